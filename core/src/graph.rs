//! The entities and their relationships as a graph for graph tools:
//! `graph.graphml` (Gephi, yEd) and `neo4j/entities.csv` +
//! `neo4j/relationships.csv` in the header format `neo4j-admin database
//! import` reads.
//!
//! GraphML is written by hand: the file is one flat template of nodes and
//! edges, and escaping five characters is all XML asks of it; a test parses
//! the output with an XML parser.

use std::io::Write;
use std::path::Path;

use crate::cluster::entity_id;
use crate::decimal;
use crate::error::{Error, Result};
use crate::output::{create, csv_error};
use crate::relationships::Relationship;

/// One entity as a node: its id, its record count and the sources it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The entity number.
    pub entity: u32,
    /// Records in it.
    pub records: usize,
    /// The names of the sources its records come from, sorted.
    pub sources: Vec<String>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not XML.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes `graph.graphml`: a node per entity, an edge per relationship.
pub fn write_graphml(path: &Path, nodes: &[Node], relationships: &[Relationship]) -> Result<()> {
    let mut out = create(path)?;
    let mut write = || -> std::io::Result<()> {
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(out, r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns">"#)?;
        writeln!(out, r#"  <key id="records" for="node" attr.name="records" attr.type="int"/>"#)?;
        writeln!(out, r#"  <key id="sources" for="node" attr.name="sources" attr.type="string"/>"#)?;
        writeln!(out, r#"  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>"#)?;
        writeln!(out, r#"  <key id="via" for="edge" attr.name="via" attr.type="string"/>"#)?;
        writeln!(out, r#"  <key id="strength" for="edge" attr.name="strength" attr.type="double"/>"#)?;
        writeln!(out, r#"  <graph id="entities" edgedefault="undirected">"#)?;
        for node in nodes {
            writeln!(
                out,
                r#"    <node id="{}"><data key="records">{}</data><data key="sources">{}</data></node>"#,
                entity_id(node.entity),
                node.records,
                escape(&node.sources.join(";"))
            )?;
        }
        for (i, r) in relationships.iter().enumerate() {
            writeln!(
                out,
                r#"    <edge id="r{i}" source="{}" target="{}"><data key="kind">{}</data><data key="via">{}</data><data key="strength">{}</data></edge>"#,
                entity_id(r.a),
                entity_id(r.b),
                r.kind.as_str(),
                escape(&r.via),
                decimal::fixed(r.strength, 4)
            )?;
        }
        writeln!(out, "  </graph>")?;
        writeln!(out, "</graphml>")?;
        out.flush()
    };
    write().map_err(Error::io("write", path))
}

/// Writes the Neo4j import pair into folder `dir`: `entities.csv`
/// (`entity_id:ID,records:int,sources,:LABEL`) and `relationships.csv`
/// (`:START_ID,:END_ID,:TYPE,via,strength:float`).
pub fn write_neo4j(dir: &Path, nodes: &[Node], relationships: &[Relationship]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
    let path = dir.join("entities.csv");
    let mut writer = csv::Writer::from_writer(create(&path)?);
    writer.write_record(["entity_id:ID", "records:int", "sources", ":LABEL"]).map_err(csv_error(&path))?;
    for node in nodes {
        writer
            .write_record([entity_id(node.entity), node.records.to_string(), node.sources.join(";"), "Entity".into()])
            .map_err(csv_error(&path))?;
    }
    writer.flush().map_err(Error::io("write", &path))?;
    let path = dir.join("relationships.csv");
    let mut writer = csv::Writer::from_writer(create(&path)?);
    writer.write_record([":START_ID", ":END_ID", ":TYPE", "via", "strength:float"]).map_err(csv_error(&path))?;
    for r in relationships {
        writer
            .write_record([
                entity_id(r.a),
                entity_id(r.b),
                r.kind.as_str().to_uppercase(),
                r.via.clone(),
                decimal::fixed(r.strength, 4),
            ])
            .map_err(csv_error(&path))?;
    }
    writer.flush().map_err(Error::io("write", &path))
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_what_xml_needs() {
        assert_eq!(escape(r#"a&b<c>"d'"#), "a&amp;b&lt;c&gt;&quot;d&apos;");
        assert_eq!(escape("x\u{1}y"), "x\u{fffd}y");
    }
}

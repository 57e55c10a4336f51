#!/usr/bin/env python3
r"""Sleuth against Splink 4 on the same synthetic data, side by side.

    python bench/splink/compare.py --data /tmp/gen/100k \
        [--sleuth-job /tmp/gen/100k/job.toml] [--sleuth-bin target/release/sleuth] \
        [--skip-sleuth] [--threads N] [--json out.json]

Each tool runs in its own child process, so that its wall time and peak RSS
are its own: Splink as a re-invocation of this script with `--splink-only`,
Sleuth as `SLEUTH_BIN run JOB --threads N --out WORK/sleuth-out`. Both are then scored by one
function, `pairwise_scores`, against the data's `truth.csv`.

This is a benchmark, not a test: nothing in `.ci/run` or `cargo test` runs it.
See README.md beside it for the Splink configuration and measured figures.
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

SCRIPT = Path(__file__).resolve()
REPO = SCRIPT.parents[2]

# Sleuth's default threshold (config/quickstart.toml, [resolution]).
THRESHOLD = 0.95
# Splink's u estimation: pairs sampled at random.
DEFAULT_U_MAX_PAIRS = 10_000_000
# The a-priori recall of the deterministic rules used to estimate the prior.
PRIOR_RECALL = 0.7
SEED = 42
# Sleuth's stages (summary.json timings_ms) counted as "linking".
SLEUTH_LINKING_STAGES = ("index", "candidates", "train", "compare", "score", "cluster")


# ---------------------------------------------------------------------------
# Scoring: one function for both tools.
# ---------------------------------------------------------------------------


def read_truth(path: Path) -> dict[str, str]:
    """`source:id` -> true entity."""
    with open(path, newline="", encoding="utf-8") as f:
        return {f"{r['source']}:{r['id']}": r["entity"] for r in csv.DictReader(f)}


def c2(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict:
    """Pairwise precision, recall and F1 of a clustering against the truth.

    Only records in the truth count; a truth record missing from `predicted`
    is a singleton. Pairs are counted, not listed: with n records of a
    predicted cluster in one true entity, that cell holds C(n,2) correct
    pairs; the predicted pairs are the sum of C(size,2) over clusters, the
    true pairs the same over entities.
    """
    cells: Counter = Counter()
    clusters: Counter = Counter()
    entities: Counter = Counter()
    missing = 0
    for key, entity in truth.items():
        cluster = predicted.get(key)
        if cluster is None:
            missing += 1
            cluster = ("singleton", key)
        cells[(cluster, entity)] += 1
        clusters[cluster] += 1
        entities[entity] += 1
    correct = sum(c2(n) for n in cells.values())
    predicted_pairs = sum(c2(n) for n in clusters.values())
    true_pairs = sum(c2(n) for n in entities.values())
    precision = correct / predicted_pairs if predicted_pairs else 0.0
    recall = correct / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": len(truth),
        "missing_from_output": missing,
        "not_in_truth": sum(1 for k in predicted if k not in truth),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "correct_pairs": correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


# ---------------------------------------------------------------------------
# Loading the four sources into one table.
# ---------------------------------------------------------------------------

_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D+")


def clean_name(value: str | None) -> str | None:
    """Lowercase, accents dropped, anything but letters a space."""
    if not value:
        return None
    text = unicodedata.normalize("NFKD", value.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", _NON_LETTER.sub(" ", text)).strip()
    return text or None


def clean_text(value: str | None) -> str | None:
    """Lowercase and trimmed (emails, usernames, IPs)."""
    if value is None:
        return None
    text = value.strip().lower()
    return text or None


def clean_digits(value: str | None) -> str | None:
    """Digits only (cards, phones): spaces, dashes, brackets and + go."""
    if not value:
        return None
    digits = _NON_DIGIT.sub("", value)
    return digits or None


def clean_phone(value: str | None) -> str | None:
    """Digits only; an international `00` prefix is the same as `+`."""
    digits = clean_digits(value)
    if digits and digits.startswith("00"):
        digits = digits[2:]
    return digits or None


def distinct(values) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out


def make_record(source: str, rid: str, *, name=None, emails=(), usernames=(), card=None, phones=(), ips=()):
    emails = distinct(clean_text(e) for e in emails)
    usernames = distinct(clean_text(u) for u in usernames)
    phones = distinct(clean_phone(p) for p in phones)
    ips = distinct(clean_text(i) for i in ips)
    name = clean_name(name)
    tokens = name.split() if name else []
    return {
        "unique_id": f"{source}:{rid}",
        "source": source,
        "name": name,
        # First and last token; a one-word name has no surname.
        "first_name": tokens[0] if tokens else None,
        "last_name": tokens[-1] if len(tokens) >= 2 else None,
        # Multi-valued fields: the first value as a plain column (fuzzy
        # levels, term frequencies, EM training blocks) and every value as a
        # list (blocking with arrays_to_explode, "any value shared" levels).
        "email": emails[0] if emails else None,
        "emails": emails or None,
        "email_locals": distinct(e.split("@", 1)[0] for e in emails) or None,
        "username": usernames[0] if usernames else None,
        "usernames": usernames or None,
        "card": clean_digits(card),
        "phone": phones[0] if phones else None,
        "phones": phones or None,
        # Last nine digits: national and international forms of one number.
        "phones9": distinct(p[-9:] for p in phones) or None,
        "ip": ips[0] if ips else None,
        "ips": ips or None,
    }


def load_forum(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield make_record(
                "forum", r["account_id"], emails=[r.get("email")], usernames=[r.get("username")], ips=[r.get("signup_ip")]
            )


def load_payments(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield make_record(
                "payments",
                r["customer_id"],
                name=r.get("cardholder_name"),
                emails=[r.get("email")],
                card=r.get("card_number"),
                phones=(r.get("phones") or "").split(";"),
                ips=[r.get("billing_ip")],
            )


def load_chat(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            yield make_record(
                "chat",
                str(r["participant_id"]),
                name=r.get("display_name"),
                emails=r.get("emails") or [],
                usernames=[r.get("handle")],
                ips=r.get("ips") or [],
            )


_EMAIL_SPLIT = re.compile(r"[\s,;<>()\"]+")


def _message_emails(message: str):
    for word in _EMAIL_SPLIT.split(message):
        word = word.rstrip(".!?:")
        local, at, domain = word.partition("@")
        if at and local and "." in domain and not domain.startswith(".") and "@" not in domain:
            yield word


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def load_irc(path: Path):
    """The IRC log as Sleuth's parser plugin reads it (plugins/irc-log):
    one record per `user@host`, id `nick!user@host` with the first nick
    seen, every nick as a username, the host as an IP when it is an
    address, every email written in a PRIVMSG or NOTICE."""
    people: dict[str, dict] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            text = raw.strip()
            if not text:
                continue
            if text.startswith(":"):
                protocol = text
            else:
                protocol = text.split(" ", 1)[1].lstrip() if " " in text else text
            if not protocol.startswith(":"):
                continue  # server lines (PING …) and garbage
            rest = protocol[1:]
            prefix, _, command = rest.partition(" ")
            nick, bang, user_host = prefix.partition("!")
            if not bang:
                continue  # a server's own line
            _, at, host = user_host.partition("@")
            if not at or not nick or not host:
                continue
            p = people.get(user_host)
            if p is None:
                p = people[user_host] = {"mask": prefix, "host": host, "nicks": [], "emails": []}
            if nick not in p["nicks"]:
                p["nicks"].append(nick)
            verb, _, params = command.partition(" ")
            if verb == "NICK":
                new = params.lstrip(":").strip()
                if new and new not in p["nicks"]:
                    p["nicks"].append(new)
            elif verb in ("PRIVMSG", "NOTICE"):
                _, sep, message = params.partition(" :")
                for email in _message_emails(message if sep else ""):
                    if email not in p["emails"]:
                        p["emails"].append(email)
    for p in people.values():
        yield make_record(
            "irc",
            p["mask"],
            usernames=p["nicks"],
            emails=p["emails"],
            ips=[p["host"]] if _is_address(p["host"]) else [],
        )


def load_all(data: Path):
    import pandas as pd

    rows = []
    rows.extend(load_forum(data / "forum_accounts.csv"))
    rows.extend(load_payments(data / "payments.csv"))
    rows.extend(load_chat(data / "chat_participants.jsonl"))
    rows.extend(load_irc(data / "irc.log"))
    return pd.DataFrame.from_records(rows)


# ---------------------------------------------------------------------------
# The Splink part (runs in its own process: --splink-only).
# ---------------------------------------------------------------------------


def any_shared(column: str, label: str) -> dict:
    """A level: the two records' lists share a value."""
    return {
        "sql_condition": f'list_has_any("{column}_l", "{column}_r")',
        "label_for_charts": label,
    }


def splink_settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def null_level(column: str) -> dict:
        return {"sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "is_null_level": True}

    def else_level() -> dict:
        return {"sql_condition": "ELSE", "label_for_charts": "all other"}

    def jw(column: str, threshold: float) -> dict:
        return {
            "sql_condition": f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {threshold}',
            "label_for_charts": f"JW {column} >= {threshold}",
        }

    def exact_tf(column: str) -> dict:
        return {
            "sql_condition": f'"{column}_l" = "{column}_r"',
            "label_for_charts": f"exact {column}",
            "tf_adjustment_column": column,
            "tf_adjustment_weight": 1.0,
        }

    comparisons = [
        # Names: exact (term-frequency adjusted: "james smith" is common),
        # then Jaro-Winkler levels.
        cl.JaroWinklerAtThresholds("name", [0.92, 0.8]).configure(term_frequency_adjustments=True),
        # Email: any address shared, any local part shared, the first
        # addresses close by Jaro-Winkler (Splink's EmailComparison levels,
        # on lists).
        cl.CustomComparison(
            output_column_name="email",
            comparison_levels=[
                null_level("email"),
                any_shared("emails", "an email shared"),
                any_shared("email_locals", "an email local part shared"),
                jw("email", 0.88),
                else_level(),
            ],
        ),
        # Usernames: any shared, else Jaro-Winkler on the first ones.
        cl.CustomComparison(
            output_column_name="username",
            comparison_levels=[
                null_level("username"),
                any_shared("usernames", "a username shared"),
                jw("username", 0.92),
                jw("username", 0.8),
                else_level(),
            ],
        ),
        cl.ExactMatch("card"),
        cl.CustomComparison(
            output_column_name="phone",
            comparison_levels=[
                null_level("phone"),
                any_shared("phones", "a phone shared"),
                any_shared("phones9", "a phone's last nine digits shared"),
                else_level(),
            ],
        ),
        # IPs: the first IPs equal (term-frequency adjusted: a VPN exit or
        # café is shared by many), else any IP shared.
        cl.CustomComparison(
            output_column_name="ip",
            comparison_levels=[
                null_level("ip"),
                exact_tf("ip"),
                any_shared("ips", "an IP shared"),
                else_level(),
            ],
        ),
    ]
    blocking = [
        block_on("emails", arrays_to_explode=["emails"]),
        block_on("usernames", arrays_to_explode=["usernames"]),
        block_on("card"),
        block_on("phones9", arrays_to_explode=["phones9"]),
        block_on("first_name", "last_name"),
        block_on("ips", arrays_to_explode=["ips"]),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return settings


def run_splink(args) -> dict:
    t0 = time.perf_counter()
    df = load_all(Path(args.data))
    n_records = len(df)
    t_load = time.perf_counter() - t0

    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    t1 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads = {int(args.threads)}")
    con.execute(f"SET temp_directory = '{args.tmp}'")
    if args.memory_limit:
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
    db_api = DuckDBAPI(connection=con)
    linker = Linker(df, splink_settings(), db_api)
    del df

    # The prior: records agreeing on an email or a card are the same
    # person, and those rules are assumed to find 70% of the true pairs.
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("card")], recall=PRIOR_RECALL
    )
    t_prior = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=SEED)
    t_u = time.perf_counter()
    # m by EM, twice: each session trains every comparison but the one it
    # blocks on (card and phone, payments only, are trained by the first).
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("username"))
    t_trained = time.perf_counter()

    predictions = linker.inference.predict()
    pairs = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
    t_predicted = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    con.execute(
        f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) TO '{args.clusters_out}' (HEADER, DELIMITER ',')"
    )
    t_end = time.perf_counter()
    above = con.execute(
        f"SELECT count(*) FROM {predictions.physical_name} WHERE match_probability >= {THRESHOLD}"
    ).fetchall()[0][0]
    import splink

    return {
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "input_records": n_records,
        "load_s": t_load,
        "train_s": t_trained - t1,
        "train_stages_s": {"setup_and_prior": t_prior - t1, "u": t_u - t_prior, "em": t_trained - t_u},
        "predict_s": t_predicted - t_trained,
        "cluster_s": t_end - t_predicted,
        "linking_s": t_end - t1,
        "candidate_pairs": pairs,
        "pairs_above_threshold": above,
        "u_max_pairs": args.u_max_pairs,
    }


def splink_only(args) -> None:
    result = run_splink(args)
    with open(args.result_out, "w", encoding="utf-8") as f:
        json.dump(result, f)


# ---------------------------------------------------------------------------
# Children: wall time and peak RSS of one process.
# ---------------------------------------------------------------------------


def run_child(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Runs `cmd`, output to `log`; returns wall seconds, peak RSS in MiB
    (the child's, from wait4) and the exit status."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    return wall, usage.ru_maxrss / 1024, proc.returncode


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def splink_part(args, work: Path, truth: dict[str, str]) -> dict:
    clusters_out = work / "splink_clusters.csv"
    result_out = work / "splink_result.json"
    cmd = [
        sys.executable,
        str(SCRIPT),
        "--splink-only",
        "--data",
        str(args.data),
        "--threads",
        str(args.threads),
        "--u-max-pairs",
        str(args.u_max_pairs),
        "--clusters-out",
        str(clusters_out),
        "--result-out",
        str(result_out),
        "--tmp",
        str(work / "duckdb_tmp"),
    ]
    if args.memory_limit:
        cmd += ["--memory-limit", args.memory_limit]
    log = work / "splink.log"
    print(f"splink: running ({' '.join(cmd[1:])})", file=sys.stderr, flush=True)
    wall, rss, rc = run_child(cmd, log)
    if rc != 0:
        raise SystemExit(f"splink part failed (exit {rc}):\n{tail(log)}")
    result = json.loads(result_out.read_text())
    predicted = {}
    with open(clusters_out, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            predicted[r["unique_id"]] = r["cluster_id"]
    result.update(
        tool=f"Splink {result['splink_version']}",
        wall_s=wall,
        peak_rss_mib=rss,
        scores=pairwise_scores(predicted, truth),
    )
    return result


def sleuth_part(args, work: Path, truth: dict[str, str]) -> dict:
    job = Path(args.sleuth_job)
    with open(job, "rb") as f:
        config = tomllib.load(f)
    if args.sleuth_out == "job":
        out = (job.parent / config["job"]["output"]).resolve()
    else:
        out = Path(args.sleuth_out) if args.sleuth_out else work / "sleuth-out"
    cmd = [str(args.sleuth_bin), "run", str(job), "--threads", str(args.threads)]
    if args.sleuth_out != "job":
        cmd += ["--out", str(out)]
    log = work / "sleuth.log"
    print(f"sleuth: running ({' '.join(cmd)})", file=sys.stderr, flush=True)
    wall, rss, rc = run_child(cmd, log)
    if rc != 0:
        raise SystemExit(f"sleuth failed (exit {rc}):\n{tail(log)}")
    summary = json.loads((out / "summary.json").read_text())
    predicted = {}
    with open(out / "entities.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            predicted[f"{r['source']}:{r['record_id']}"] = r["entity_id"]
    timings = summary.get("timings_ms", {})
    # Linking as in the Splink part (which starts after loading and
    # cleaning): blocking, training, scoring and clustering. Reading,
    # normalizing, relationships, writing and evaluating are left out.
    linking_ms = sum(timings.get(k, 0) for k in SLEUTH_LINKING_STAGES)
    evaluation = summary.get("evaluation") or {}
    return {
        "tool": f"Sleuth {summary.get('sleuth_version', '')}".strip(),
        "wall_s": wall,
        "peak_rss_mib": rss,
        "linking_s": linking_ms / 1000,
        "timings_ms": timings,
        "candidate_pairs": (summary.get("blocking") or {}).get("candidate_pairs"),
        "scores": pairwise_scores(predicted, truth),
        "own_evaluation": evaluation.get("pairwise"),
        "output": str(out),
    }


# ---------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------


def fmt_int(v) -> str:
    return f"{v:,}" if isinstance(v, int) else "-"


def print_table(data: Path, results: list[dict], threads: int) -> None:
    sys.stderr.flush()
    print(f"\ndata: {data}  ({results[0]['scores']['records']:,} records in truth, threads={threads})\n")
    header = ("tool", "wall s", "linking s", "peak RSS MiB", "candidate pairs", "P", "R", "F1")
    rows = [header]
    for r in results:
        s = r["scores"]
        rows.append(
            (
                r["tool"],
                f"{r['wall_s']:.1f}",
                f"{r['linking_s']:.1f}",
                f"{r['peak_rss_mib']:.0f}",
                fmt_int(r.get("candidate_pairs")),
                f"{s['precision']:.4f}",
                f"{s['recall']:.4f}",
                f"{s['f1']:.4f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    by = {r["tool"].split()[0]: r for r in results}
    if "Splink" in by and "Sleuth" in by:
        sp, sl = by["Splink"], by["Sleuth"]
        print(
            f"\nSplink/Sleuth: wall {sp['wall_s'] / sl['wall_s']:.2f}x, "
            f"linking {sp['linking_s'] / sl['linking_s']:.2f}x, "
            f"peak RSS {sp['peak_rss_mib'] / sl['peak_rss_mib']:.2f}x"
        )
        if sl.get("own_evaluation"):
            own = sl["own_evaluation"]
            print(
                f"Sleuth's own evaluation (summary.json): P {own['precision']:.4f} "
                f"R {own['recall']:.4f} F1 {own['f1']:.4f}"
            )
    if "Splink" in by:
        sp = by["Splink"]
        st = sp["train_stages_s"]
        print(
            f"Splink stages: load {sp['load_s']:.1f}s, train {sp['train_s']:.1f}s "
            f"(prior {st['setup_and_prior']:.1f}s, u {st['u']:.1f}s, EM {st['em']:.1f}s), "
            f"predict {sp['predict_s']:.1f}s, cluster {sp['cluster_s']:.1f}s; "
            f"{sp['pairs_above_threshold']:,} pairs >= {THRESHOLD}; u sample max_pairs {sp['u_max_pairs']:,.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="a sleuth-datagen folder (with truth.csv)")
    parser.add_argument("--sleuth-job", help="Sleuth's job file (default: DATA/job.toml)")
    parser.add_argument("--sleuth-bin", default=str(REPO / "target/release/sleuth"))
    parser.add_argument(
        "--sleuth-out",
        help="Sleuth's output folder, passed as --out (default: WORK/sleuth-out; 'job' for the job's own output)",
    )
    parser.add_argument("--skip-sleuth", action="store_true", help="run only the Splink part")
    parser.add_argument("--skip-splink", action="store_true", help="run only the Sleuth part")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--u-max-pairs", type=float, default=DEFAULT_U_MAX_PAIRS, help="Splink's u sample size")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit for Splink, e.g. 8GB (default: DuckDB's)")
    parser.add_argument("--work", help="folder for logs and Splink's clusters (default: a temporary one)")
    parser.add_argument("--json", help="also write the results as JSON to this file ('-' for stdout)")
    # Internal: the Splink child.
    parser.add_argument("--splink-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--clusters-out", help=argparse.SUPPRESS)
    parser.add_argument("--result-out", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.splink_only:
        return splink_only(args)

    data = Path(args.data).resolve()
    args.data = data
    if not args.sleuth_job:
        args.sleuth_job = str(data / "job.toml")
    truth = read_truth(data / "truth.csv")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="splink-compare-"))
    work.mkdir(parents=True, exist_ok=True)

    results = []
    if not args.skip_splink:
        results.append(splink_part(args, work, truth))
    if not args.skip_sleuth:
        results.append(sleuth_part(args, work, truth))
    if not results:
        raise SystemExit("nothing to run")
    print_table(data, results, args.threads)
    print(f"logs: {work}", flush=True)
    if args.json:
        report = {"data": str(data), "threads": args.threads, "threshold": THRESHOLD, "results": results}
        text = json.dumps(report, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()

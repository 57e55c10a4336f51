"""Writes the Febrl truth files: records of one entity share the number in rec_id.

Run from this folder: python3 truth.py
"""
import csv

def truth(out, sources):
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "id", "entity"])
        for source, path in sources:
            with open(path, newline="") as data:
                for row in csv.DictReader(data, skipinitialspace=True):
                    rec = row["rec_id"].strip()
                    w.writerow([source, rec, rec.split("-")[1]])

truth("febrl3_truth.csv", [("febrl3", "dataset3.csv")])
truth("febrl4_truth.csv", [("a", "dataset4a.csv"), ("b", "dataset4b.csv")])

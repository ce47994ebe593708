#!/usr/bin/env python3
"""Fill a zorgkiosk database with N generated requests (for the benchmark
and for trying the staff terminal). The database must exist already (any
zorgkiosk command creates it); rows are written in one transaction."""
import random
import sqlite3
import sys

FIRST = ["Anna", "Bram", "Chantal", "Daan", "Emma", "Fatima", "Gerrit", "Hanna", "Ivo", "Joke",
         "Karim", "Lotte", "Mohamed", "Noor", "Oscar", "Petra", "Ruud", "Sanne", "Thijs", "Yara"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos",
        "El Amrani", "Yılmaz", "van Dijk", "Hendriks", "Dekker", "Brouwer", "Kaya", "Öztürk"]
OPTIONS = ["respite_light", "presence_care", "day_care", "short_stay", "parking_permit",
           "appreciation", "advice"]
STATUSES = ["new", "contacted", "referred", "closed", "unreachable"]


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(42)
    db = sqlite3.connect(path)
    # A big transaction in WAL mode would write pages to the log again and
    # again once the cache spills: fill with a rollback journal and a cache
    # large enough, then return the file to WAL as zorgkiosk keeps it.
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -%d" % max(2000, n // 2))
    with db:
        seq = {}
        for i in range(n):
            year = 2024 + (i * 3) // n
            month = 1 + (i * 36 // n) % 12
            day = 1 + i % 28
            created = "%04d-%02d-%02dT%02d:%02d:%02dZ" % (year, month, day, 9 + i % 8, i % 60, (i * 7) % 60)
            seq[year] = seq.get(year, 0) + 1
            ref = "MZ-%04d-%04d" % (year, seq[year])
            cur = db.execute(
                "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)"
                " VALUES (?, ?, ?, ?, ?, 1, ?)",
                (ref, year, seq[year], created, rnd.choice(["nl", "en"]), rnd.choice(STATUSES)))
            iid = cur.lastrowid
            name = "%s %s" % (rnd.choice(FIRST), rnd.choice(LAST))
            answers = {
                "name": name,
                "phone": "06%08d" % rnd.randrange(10 ** 8),
                "email": name.split()[0].lower() + "%d@example.nl" % i,
                "moment": rnd.choice(["morning", "afternoon", "evening", "any"]),
                "relation": rnd.choice(["partner", "parent", "child", "family", "friend", "other"]),
                "under18": "no",
                "situation": "Ik zorg voor mijn naaste; generated request %d." % i,
                "options": ",".join(sorted(rnd.sample(OPTIONS, rnd.randint(1, 3)), key=OPTIONS.index)),
                "contact_lang": "nl",
                "consent": "yes",
            }
            db.executemany("INSERT INTO answer (intake_id, field, value) VALUES (?, ?, ?)",
                           [(iid, k, v) for k, v in answers.items()])
    db.execute("PRAGMA journal_mode = WAL")
    db.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Figures for bench/run: duplicate scoring, the floor, merging, the smoke check, the README table.

Standard library only. Each subcommand prints JSON (one object) or edits bench/README.md.
"""
import csv, json, os, re, subprocess, sys, time
from itertools import combinations
from collections import Counter

CW = "caseworker@demo.passerelle.test"
FP = "focalpoint@demo.passerelle.test"


def duplicates(truth_path, pairs_path, seconds):
    """Precision and recall of `passerelle people duplicates --json` against the generator's
    clusters (records of one cluster are one person), per band."""
    cluster = {}
    with open(truth_path) as f:
        for row in csv.DictReader(f):
            cluster[row["id"]] = row["cluster"]
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(cluster.values()).values())
    found = {"likely": set(), "possible": set()}
    with open(pairs_path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            p = json.loads(line)
            key = tuple(sorted((p["a"]["id"], p["b"]["id"])))
            found.setdefault(p.get("band", "possible"), set()).add(key)
    out = {"true_pairs": true_pairs, "seconds": round(float(seconds), 3), "people": len(cluster)}
    cumulative = set()
    for band in ("likely", "possible"):
        cumulative |= found.get(band, set())
        tp = sum(1 for a, b in cumulative if a in cluster and cluster.get(a) == cluster.get(b))
        out["at_" + band] = {
            "pairs": len(cumulative),
            "precision": round(tp / len(cumulative), 4) if cumulative else None,
            "recall": round(tp / true_pairs, 4) if true_pairs else None,
        }
    print(json.dumps({"duplicates": out}))


def leave_out_refused(check_log, sheet, clean_sheet):
    """Writes the sheet without the rows the check refused as very likely someone already
    registered (or an earlier row), and prints how many were left out. A row refused for any
    other reason stays, so that the import fails and the smoke check says so."""
    refused = {int(m.group(1)) for m in re.finditer(r"^  row (\d+): very likely ", open(check_log).read(), re.M)}
    with open(sheet, newline="") as f, open(clean_sheet, "w", newline="") as out:
        # Sheet rows are numbered as the import numbers them: the header is row 1.
        for n, line in enumerate(f, start=1):
            if n not in refused:
                out.write(line)
    print(len(refused))


def floor_sql(backend, case_id):
    uid = f"X'{case_id.replace('-', '')}'" if backend == "sqlite" else f"'{case_id}'"
    caseworker = f"(SELECT id FROM users WHERE email = '{CW}')"
    # The app tells SQLite the index of an agency's services (PostgreSQL chooses it itself).
    by_org = " INDEXED BY directory_services_organization" if backend == "sqlite" else ""
    def identity(user):
        # Every signed-in page reads its session and account, with roles, in one statement.
        return f"""SELECT s.token_hash, s.user_id, s.csrf_token, s.second_factor_pending, s.created_at, s.last_seen_at, s.expires_at,
            users.id, users.email, users.display_name, users.agency_id, users.team_id, users.language, users.active,
            users.must_change_password, users.totp_enabled, users.locked_until, users.last_sign_in_at, users.created_at,
            r.role, p.totp_required FROM sessions s CROSS JOIN users LEFT JOIN user_roles r ON r.user_id = users.id
            LEFT JOIN role_policies p ON p.role = r.role
            WHERE s.token_hash = (SELECT token_hash FROM sessions WHERE user_id = {user} LIMIT 1) AND users.id = s.user_id ORDER BY r.role"""
    # The caseload's first page: the open cases, 50 and one more (to know whether there is a next
    # page); the app binds the page's ids where the floor selects them again.
    page = f"SELECT c.id FROM cases c WHERE c.assigned_to = {caseworker} AND c.status = 'open' ORDER BY c.opened_at DESC, c.id DESC LIMIT 51"
    return {
        # The caseload: every statement the page runs for the caseworker, the session included.
        "caseload": [
            identity(caseworker),
            """SELECT sop_id, version, published_at, published_by FROM sop_versions v
                WHERE version = (SELECT MAX(version) FROM sop_versions w WHERE w.sop_id = v.sop_id) ORDER BY sop_id""",
            f"""SELECT c.id, c.reference, c.person_id, p.given_names, p.family_names, c.sop_id, c.sop_version, c.risk,
                c.status, c.restricted, c.time_zone, c.assigned_to, u.display_name, c.team_id, c.opened_at, c.closed_at,
                c.closure_reason, c.version, p.sealed, c.sealed FROM cases c JOIN people p ON p.id = c.person_id
                JOIN users u ON u.id = c.assigned_to WHERE c.id IN (SELECT id FROM ({page}) page
                UNION ALL SELECT m.case_id FROM case_members m WHERE m.user_id = {caseworker}) AND c.status = 'open'
                ORDER BY c.opened_at DESC, c.id DESC LIMIT 51""",
            f"""SELECT v.case_id, v.next_on FROM case_visits v WHERE v.case_id IN ({page})
                ORDER BY v.case_id, v.visited_on DESC, v.recorded_at DESC""",
            f"SELECT case_id, step_id, completed_at FROM case_steps WHERE case_id IN ({page})",
            "SELECT id, code, name, level, parent_id FROM areas ORDER BY level, name",
        ],
        # The case page: every statement the page runs, as the caseworker's sight binds them
        # (own cases: $3 = $5 = the caseworker), the session and account included.
        "case_page": [
            identity(caseworker),
            f"""SELECT c.*, p.sealed, u.display_name FROM cases c JOIN people p ON p.id = c.person_id
                JOIN users u ON u.id = c.assigned_to WHERE c.id = {uid} AND (c.assigned_to = {caseworker}
                OR EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = {caseworker}))""",
            f"SELECT v.sop_id, v.version, v.published_at, v.published_by FROM sop_versions v JOIN cases c ON c.sop_id = v.sop_id AND c.sop_version = v.version WHERE c.id = {uid}",
            f"""SELECT step_id, completed_at FROM case_steps WHERE case_id = {uid}
                UNION ALL SELECT step_id, submitted_at FROM form_responses WHERE case_id = {uid} AND step_id IS NOT NULL
                UNION ALL SELECT a.step_id, a.requested_at FROM case_approvals a JOIN users r ON r.id = a.requested_by
                LEFT JOIN users d ON d.id = a.decided_by WHERE a.case_id = {uid}""",
            f"SELECT u.display_name, n.body, n.created_at, n.id, n.sealed FROM case_notes n JOIN users u ON u.id = n.author WHERE n.case_id = {uid} ORDER BY n.created_at DESC, n.id DESC LIMIT 21",
            f"SELECT p.* FROM people p JOIN cases c ON c.person_id = p.id WHERE c.id = {uid}",
            """SELECT form_id, version, published_at FROM form_versions f WHERE NOT EXISTS (SELECT 1 FROM form_versions g WHERE g.form_id = f.form_id
                AND (g.published_at > f.published_at OR (g.published_at = f.published_at AND g.version > f.version))) ORDER BY form_id""",
            f"SELECT k.*, u.display_name FROM case_consents k JOIN users u ON u.id = k.recorded_by WHERE k.case_id = {uid} ORDER BY k.given_at DESC",
            f"SELECT a.*, u.display_name FROM case_attachments a JOIN users u ON u.id = a.uploaded_by WHERE a.case_id = {uid} ORDER BY a.uploaded_at DESC",
            f"""SELECT t.*, c.reference, u.display_name, a.name FROM case_transfers t JOIN cases c ON c.id = t.case_id JOIN users u ON u.id = t.from_user
                JOIN agencies a ON a.id = t.to_agency WHERE t.case_id = {uid} ORDER BY t.requested_at DESC""",
            f"""SELECT u.id, u.display_name FROM users u WHERE u.active = TRUE AND u.team_id = (SELECT team_id FROM users WHERE email = '{CW}')
                AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor')) ORDER BY u.display_name""",
            "SELECT id, name, kind, sector, area_id, active, created_at, updated_at FROM agencies ORDER BY name",
            f"SELECT u.id, u.display_name FROM case_members m JOIN users u ON u.id = m.user_id WHERE m.case_id = {uid} ORDER BY u.display_name",
            f"SELECT s.*, u.display_name FROM case_services s JOIN users u ON u.id = s.recorded_by WHERE s.case_id = {uid} ORDER BY s.provided_on DESC, s.id",
            f"""SELECT s.id, s.name AS name, o.name FROM directory_organizations o JOIN directory_services s{by_org} ON s.organization_id = o.id
                WHERE o.agency_id = (SELECT agency_id FROM users WHERE email = '{CW}') AND s.status = 'active'
                UNION SELECT s.id, s.name AS name, o.name FROM referrals r JOIN directory_services s ON s.id = r.service_id
                LEFT JOIN directory_organizations o ON o.id = s.organization_id WHERE r.case_id = {uid}
                UNION SELECT s.id, s.name AS name, o.name FROM case_plan_actions x JOIN directory_services s ON s.id = x.assignee_service
                LEFT JOIN directory_organizations o ON o.id = s.organization_id WHERE x.case_id = {uid} ORDER BY 2, 1 LIMIT 200""",
            f"""SELECT u.id, u.display_name FROM users u JOIN cases k ON k.id = {uid} WHERE u.active = TRUE AND u.agency_id = k.agency_id
                AND u.id <> k.assigned_to AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor'))
                ORDER BY u.display_name""",
            f"""SELECT r.*, fa.name, fu.display_name, ta.name, au.display_name FROM referrals r JOIN users fu ON fu.id = r.from_user
                LEFT JOIN agencies fa ON fa.id = r.from_agency_id LEFT JOIN agencies ta ON ta.id = r.to_agency_id
                LEFT JOIN users au ON au.id = r.assigned_to WHERE r.case_id = {uid} ORDER BY r.created_at DESC LIMIT 50""",
            f"SELECT COUNT(*) FROM case_plan_actions WHERE case_id = {uid} AND status IN ('planned', 'in_progress') AND due_on < '2026-01-01'",
            f"SELECT v.*, u.display_name FROM case_visits v JOIN users u ON u.id = v.recorded_by WHERE v.case_id = {uid} ORDER BY v.visited_on, v.recorded_at",
        ],
        # Person search: the people the caseworker registered (their sight) sharing a blocking
        # key with one of them (the app derives the keys from the typed query instead).
        "person_search": [f"""SELECT p.id, p.sealed FROM people p WHERE p.id IN (
            SELECT k.person_id FROM person_match_keys k WHERE k.key IN (SELECT key FROM person_match_keys WHERE person_id =
            (SELECT id FROM people WHERE registered_by = {caseworker} ORDER BY created_at LIMIT 1 OFFSET 7))
            AND k.person_id IN (SELECT id FROM people WHERE registered_by = {caseworker})) LIMIT 50"""],
        # The receiving agency's inbox: the page's statements (its first 50 referrals and one more).
        "referral_inbox": [
            identity(f"(SELECT id FROM users WHERE email = '{FP}')"),
            f"""SELECT r.id, r.reference, r.case_id, r.from_agency_id, fa.name, fu.display_name, r.service_id, r.service_name,
                r.to_agency_id, ta.name, r.need, r.sop_id, r.sop_step, r.urgency, r.respond_within_hours, r.status, r.reason,
                r.shared, r.consent_id, r.legal_ground, r.created_at, r.sent_at, r.due_at, r.responded_at, r.accepted_at,
                r.completed_at, r.assigned_to, au.display_name, r.outcome, r.status_reason, r.feedback_code, r.version, r.sealed
                FROM referrals r JOIN users fu ON fu.id = r.from_user LEFT JOIN agencies fa ON fa.id = r.from_agency_id
                LEFT JOIN agencies ta ON ta.id = r.to_agency_id LEFT JOIN users au ON au.id = r.assigned_to
                WHERE r.to_agency_id = (SELECT agency_id FROM users WHERE email = '{FP}') AND r.status <> 'draft'
                ORDER BY CASE WHEN r.status = 'requested' THEN 0 ELSE 1 END, r.due_at, r.created_at DESC LIMIT 51""",
        ],
    }


def floor(backend, data_dir, *rest):
    """Mean time of each read's queries run straight on the database, rows fetched, N runs."""
    case_id = rest[-1]
    args = rest[:-1]
    runs = int(os.environ.get("BENCH_FLOOR_RUNS", "50"))
    out = {}
    if backend == "sqlite":
        import sqlite3
        con = sqlite3.connect(os.path.join(data_dir, "passerelle.sqlite3"))
        for name, queries in floor_sql(backend, case_id).items():
            for q in queries:  # warm the cache as the server's would be
                con.execute(q).fetchall()
            t0 = time.perf_counter()
            for _ in range(runs):
                for q in queries:
                    con.execute(q).fetchall()
            out[name] = round((time.perf_counter() - t0) / runs * 1000, 3)
    else:
        url = args[list(args).index("--database") + 1]
        for name, queries in floor_sql(backend, case_id).items():
            script = "\\timing on\n" + "".join(" ".join(q.split()) + ";\n" for q in queries * (runs + 1))
            res = subprocess.run(["psql", "-X", "-q", "-o", "/dev/null", url], input=script, capture_output=True, text=True)
            times = [float(t) for t in re.findall(r"Time: ([0-9.]+) ms", res.stdout + res.stderr)]
            times = times[len(queries):]  # the first round warms the cache
            out[name] = round(sum(times) / runs, 3) if times else None
    print(json.dumps({"floor_ms": out, "floor_runs": runs}))


def median_run(runs):
    """A scenario's runs (`--repeat`) as one: the median run by p95 (the lower of the two middle
    ones for an even count; a run with no answer counts as the slowest), with every run's figures
    in `runs` and the errors of all runs, so that none is hidden by the choice."""
    ordered = sorted(runs, key=lambda h: h["p95_ms"] if h["requests"] else float("inf"))
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["errors"] = {k: sum(h["errors"][k] for h in runs) for k in chosen["errors"]}
    chosen["runs"] = [{k: h[k] for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms")} for h in runs]
    return chosen


def merge(results, http, single, meta):
    doc = json.loads(meta)
    for line in open(results):
        if line.strip():
            doc.update(json.loads(line))
    runs = {}
    for line in open(http):
        if line.strip():
            h = json.loads(line)
            runs.setdefault(h["scenario"], []).append(h)
    doc["http"] = [median_run(r) for r in runs.values()]
    doc["single_connection"] = [json.loads(l) for l in open(single) if l.strip()]
    ratio = {}
    for s in doc["single_connection"]:
        f = doc.get("floor_ms", {}).get(s["scenario"])
        if f:
            ratio[s["scenario"]] = round(s["p50_ms"] / f, 2)
    doc["app_floor_ratio"] = ratio
    print(json.dumps(doc, indent=2))


SCENARIOS = ["caseload", "case_page", "person_search", "directory_search", "public_finder", "referral_inbox",
             "supervisor_caseload", "supervisor_dashboard", "indicator_dashboard", "indicator_report", "case_note_write"]


def check(path):
    """The smoke check: every scenario ran and reported a number, requests were answered
    without errors; never a timing."""
    doc = json.load(open(path))
    problems = []
    http = {h["scenario"]: h for h in doc.get("http", [])}
    for s in SCENARIOS:
        h = http.get(s)
        if h is None:
            problems.append(f"{s}: did not report")
            continue
        if not h["requests"] or h["p95_ms"] <= 0:
            problems.append(f"{s}: no requests measured")
        if sum(h["errors"].values()) or h["first_status"] >= 400:
            problems.append(f"{s}: errors {h['errors']} (first answer HTTP {h['first_status']})")
    for key in ("case_page", "public_finder"):
        if not doc.get("page_weight_bytes", {}).get(key):
            problems.append(f"page weight of {key}: missing")
    if "indicators_warm_seconds" not in doc:
        problems.append("indicator figures: not warmed at start")
    for key in ("server_peak_rss_kb", "db_bytes", "hsds_export_seconds"):
        if not doc.get(key):
            problems.append(f"{key}: missing")
    imp = doc.get("people_import", {})
    if not imp.get("rows_per_second") or imp.get("exit") or not imp.get("check", {}).get("rows_per_second"):
        problems.append(f"people import: {imp}")
    if not doc.get("services_import", {}).get("rows_per_second") or doc["services_import"].get("exit"):
        problems.append(f"services import: {doc.get('services_import')}")
    if not doc.get("caseload_export", {}).get("rows"):
        problems.append(f"caseload export: {doc.get('caseload_export')}")
    if doc.get("duplicates", {}).get("at_possible", {}).get("recall") is None:
        problems.append("duplicate detection: no recall")
    if set(doc.get("floor_ms", {})) != {"caseload", "case_page", "person_search", "referral_inbox"} or None in doc["floor_ms"].values():
        problems.append(f"floor: {doc.get('floor_ms')}")
    if problems:
        print("bench smoke: FAILED\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"bench smoke: ok, {len(SCENARIOS)} HTTP scenarios and every bulk, memory, size and floor figure reported")


def spread(h, key, fmt):
    """A figure of the median run, with the lowest and highest of all the scenario's runs."""
    values = [r[key] for r in h.get("runs", []) if r["requests"]]
    if len(values) < 2:
        return format(h[key], fmt)
    return f"{format(h[key], fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def table(doc):
    http = {h["scenario"]: h for h in doc["http"]}
    ratio = doc.get("app_floor_ratio", {})
    w = doc["page_weight_bytes"]
    imp = doc["people_import"]
    d = doc.get("duplicates")
    rows = [f"**{doc['size']} people, {doc['backend']}** — {doc['date']}, commit {doc['commit']}, {doc['profile']} build, "
            f"{doc['machine']}; {doc['connections']} connections, {doc['duration_s']} s per scenario"
            + (f", run {doc['repeat']} times: the median run (by p95), and in brackets the lowest and highest of all runs." if doc.get("repeat", 1) > 1 else "."), "",
            "| scenario | p50 ms | p95 ms | p99 ms | req/s | errors | target | met |", "|---|---|---|---|---|---|---|---|"]
    for s in SCENARIOS:
        h = http.get(s)
        if not h:
            continue
        target, met = "p95 < 50 ms", h["p95_ms"] < 50
        if s == "person_search":
            target, met = "p95 < 100 ms", h["p95_ms"] < 100
        if s in ("directory_search", "public_finder", "case_note_write"):
            target, met = "—", None
        if s == "case_page":
            target += ", >= 1,000 req/s"
            met = met and h["rps"] >= 1000
        if not h["requests"]:
            # Not one answer within the run: no latency to show, and no target met.
            rows.append(f"| {s} | — | — | — | 0 | {sum(h['errors'].values())} | {target} | **no** (no answer within {h['seconds']:.0f} s) |")
            continue
        rows.append(f"| {s} | {h['p50_ms']:.1f} | {spread(h, 'p95_ms', '.1f')} | {h['p99_ms']:.1f} | {spread(h, 'rps', '.0f')} | "
                    f"{sum(h['errors'].values())} | {target} | {'—' if met is None else ('yes' if met else '**no**')} |")
    rss = doc["server_peak_rss_kb"] / 1024
    rows += ["", "| figure | value | target | met |", "|---|---|---|---|",
             f"| people generated (demo --scale, all through the store) | {doc['generate']['people_per_second']:.0f} people/s ({doc['generate_seconds']} s) | — | — |",
             *([f"| people import, the check alone (`--dry-run`, {imp['check']['rows']} rows, {imp['check']['refused']} very likely already registered, exit {imp['check']['exit']}) | {imp['check']['rows_per_second']:.0f} rows/s | — | — |"]
               if "check" in imp else []),
             f"| people import (`import people`, {imp['rows']} rows{'' if 'check' not in imp else ' (the refused left out), ' + ('committed' if imp['committed'] else 'written then rolled back: a kept instance')}, exit {imp['exit']}) | {imp['rows_per_second']:.0f} rows/s | >= 50,000 rows/s | {'yes' if imp['rows_per_second'] >= 50000 else '**no**'} |",
             *([f"| services import (`import services`, {doc['services_import']['rows']} rows into the directory, exit {doc['services_import']['exit']}) | {doc['services_import']['rows_per_second']:.0f} rows/s | — | — |"]
               if "services_import" in doc else []),
             f"| HSDS export | {doc['hsds_export_seconds']} s | — | — |",
             *([f"| XLSX export of a filtered caseload (the supervisor's open cases) | {doc['caseload_export']['rows']} rows in {doc['caseload_export']['seconds']} s ({doc['caseload_export']['rows_per_second']:.0f} rows/s) | — | — |"]
               if "caseload_export" in doc else []),
             *([f"| indicator figures computed as the server starts (every shipped indicator: current and previous period, current quarter; every record read once) | {doc['indicators_warm_seconds']} s | — | — |"]
               if "indicators_warm_seconds" in doc else []),
             *[f"| {s}: first view ({'figures computed at start' if 'indicators_warm_seconds' in doc else 'computing every figure from the records'}; kept 5 min) | {http[s]['first_ms']:.0f} ms | — | — |"
               for s in ("indicator_dashboard", "indicator_report") if "first_ms" in http.get(s, {})],
             *([f"| supervisor_caseload: first view, counting every case of the team (then kept 1 min) | {http['supervisor_caseload']['first_ms']:.0f} ms | — | — |"]
               if "first_ms" in http.get("supervisor_caseload", {}) else []),
             f"| duplicates (`people duplicates`) | precision {d['at_possible']['precision']}, recall {d['at_possible']['recall']} (likely band: {d['at_likely']['precision']} / {d['at_likely']['recall']}), {d['seconds']} s, {d['true_pairs']} true pairs | — | — |"
             if d else "| duplicates (`people duplicates`) | not run on this instance (see the notes) | — | — |",
             *([f"| server start (migrations, data-key check over every sealed table) | {doc['server_start_seconds']} s | — | — |"] if "server_start_seconds" in doc else []),
             f"| server peak RSS (VmHWM) | {rss:.0f} MB | < 250 MB | {'yes' if rss < 250 else '**no**'} |",
             f"| database on disk | {doc['db_bytes'] / 1048576:.1f} MB ({doc['db_bytes'] / max(doc['people'], 1) / 1024:.2f} KB per case) | — | — |",
             f"| case page, compressed (br) | {w['case_page'] / 1024:.1f} KB | < 40 KB | {'yes' if w['case_page'] < 40960 else '**no**'} |",
             f"| public finder, compressed (br) | {w['public_finder'] / 1024:.1f} KB | < 15 KB | {'yes' if w['public_finder'] < 15360 else '**no**'} |",
             f"| caseload (first page, 50 rows), compressed (br) | {w['caseload'] / 1024:.1f} KB | — | — |"]
    for s, r in ratio.items():
        rows.append(f"| app/floor {s} (1 connection p50 {next(x['p50_ms'] for x in doc['single_connection'] if x['scenario'] == s):.2f} ms / floor {doc['floor_ms'][s]:.2f} ms) | {r} | <= 2 | {'yes' if r <= 2 else '**no**'} |")
    return "\n".join(rows) + "\n"


def readme(path, readme_path):
    doc = json.load(open(path))
    key = f"{doc['backend']}-{doc['size']}"
    start, end = f"<!-- results:{key} -->", f"<!-- /results:{key} -->"
    block = f"{start}\n{table(doc)}{end}"
    text = open(readme_path).read() if os.path.exists(readme_path) else "# Benchmark\n\n## Latest results\n"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    elif "\n### Notes" in text:  # a new size goes above the hand-written notes
        text = text.replace("\n### Notes", "\n" + block + "\n\n### Notes", 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    open(readme_path, "w").write(text)


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"duplicates": duplicates, "leave-out-refused": leave_out_refused, "floor": floor, "merge": merge, "check": check, "readme": readme}[cmd](*args)

"""Several results folders (one per machine) -> one summary.json and report.md, a column per host.

Each folder is read with `load` and summarised with `summary`, exactly as
`scripts/merge FOLDER` would; this module only lays those summaries side by
side. A column is named by the folder's context.json `host` (the folder's name
when it has none); folders from the same host are told apart by folder name:
`vm (20261124T090000Z-vm)`. The summary's fields: SCHEMA.md ("Multi-host
summary.json").
"""

import collections
import os

from tflatency.report import fmt
from tflatency.report import markdown
from tflatency.report import naming
from tflatency.report import summary as summary_lib

SCHEMA_VERSION = 1
_CELL_KEYS = ("status", "reason", "median_us", "cv", "repetitions")


def host_labels(hosts):
    """Unique column names for [(host name or None, folder)], in order."""
    base = [host or os.path.basename(folder.rstrip(os.sep)) or folder for host, folder in hosts]
    counts = collections.Counter(base)
    labels = [label if counts[label] == 1 else f"{label} ({os.path.basename(folder.rstrip(os.sep))})"
              for label, (_, folder) in zip(base, hosts)]
    # Same host and same folder name (e.g. .../a/run and .../b/run): number them.
    counts, seen = collections.Counter(labels), collections.Counter()
    unique = []
    for label in labels:
        seen[label] += 1
        unique.append(label if counts[label] == 1 else f"{label} #{seen[label]}")
    return unique


def _model_key(context):
    return ((context.get("model") or {}).get("name"), context.get("fma_count"))


def build(inputs_list):
    """The multi-host summary.json's dict from a list of load.Inputs (one per folder, in column order)."""
    summaries = [summary_lib.build(inputs) for inputs in inputs_list]
    labels = host_labels([(inputs.context.get("host"), inputs.folder) for inputs in inputs_list])
    hosts, rows = [], {}
    for label, inputs, summary in zip(labels, inputs_list, summaries):
        hosts.append({
            "host": label,
            "host_name": inputs.context.get("host"),
            "folder": inputs.folder,
            "context": inputs.context,
            "lower_bound_us": summary["lower_bound_us"],
            "lower_bound_source": summary["lower_bound_source"],
            "problems": summary["problems"],
        })
        for path in summary["paths"]:
            row = rows.setdefault(path["name"], {"name": path["name"], "group": path["group"],
                                                 "kind": path["kind"], "by_host": {}})
            row["by_host"][label] = {key: path[key] for key in _CELL_KEYS}
    warnings = []
    models = [_model_key(inputs.context) for inputs in inputs_list]
    if len(set(models)) > 1:
        described = "; ".join(
            f"{label}: {name or 'unknown'} ({'unknown' if fma is None else fmt.count(fma)} FMA)"
            for label, (name, fma) in zip(labels, models))
        warnings.append({"code": "model_mismatch", "path": None,
                         "message": f"the hosts ran different models, so their times are not comparable: {described}"})
    return {
        "schema_version": SCHEMA_VERSION,
        "hosts": hosts,
        "paths": [rows[name] for name in sorted(rows, key=naming.sort_key)],
        "warnings": warnings,
    }


# --- Markdown -----------------------------------------------------------------------------------


def _cell(cell):
    if cell is None:
        return "-"
    if cell["status"] == summary_lib.NOT_APPLICABLE:
        return "n/a"
    if cell["status"] != "ok":
        return "**FAILED**"
    text = fmt.us(cell["median_us"])
    return text + " ~" if cell["cv"] is not None and cell["cv"] > summary_lib.NOISE_CV else text


def _header(combined):
    hosts = combined["hosts"]
    models = {(h["context"].get("model") or {}).get("name") for h in hosts}
    fmas = {h["context"].get("fma_count") for h in hosts}
    model = markdown._known(models.pop()) if len(models) == 1 else "several models"
    fma = f" ({fmt.count(fmas.pop())} FMA)" if len(fmas) == 1 and None not in fmas else ""
    lines = [f"# {model}{fma} on {len(hosts)} hosts: {', '.join(h['host'] for h in hosts)}", ""]
    lines.append("Latency of one unbatched inference: median microseconds over repetitions, one column per "
                 "host; `-` = the host did not run the path; `~` = CV > "
                 f"{fmt.percent(summary_lib.NOISE_CV, 0)}% (median uncertain). Each host's own report, with "
                 "spread, decomposition and warnings: `scripts/merge FOLDER`.")
    lines += [f"\n**Warning**: {w['message']}." for w in combined["warnings"]]
    return lines


def _latency_section(combined):
    hosts = [h["host"] for h in combined["hosts"]]
    head = [markdown._table_row(["Path"] + hosts), "|---|" + "--:|" * len(hosts)]
    lines = ["## Latency per inference (median us)", ""]
    kinds = list(dict.fromkeys(p["kind"] for p in combined["paths"]))
    for kind in kinds:
        lines += [f"### {markdown._KIND_TITLES.get(kind, kind)}", ""] + head
        lines += [markdown._table_row([p["name"]] + [_cell(p["by_host"].get(h)) for h in hosts])
                  for p in combined["paths"] if p["kind"] == kind]
        if kind == "bound":
            lines.append(markdown._table_row(
                ["**lower bound** (max of fma_peak, weight_stream)"]
                + [fmt.us(h["lower_bound_us"]) for h in combined["hosts"]]))
        lines.append("")
    failed = [(p["name"], h, p["by_host"][h]["reason"]) for p in combined["paths"] for h in hosts
              if h in p["by_host"] and p["by_host"][h]["status"] == "FAILED"]
    if failed:
        lines += ["FAILED:", ""] + [f"- {name} on {host}: {reason}." for name, host, reason in failed]
    return lines


def _tf(context):
    tf = markdown._known(context.get("tf_version"))
    return f"{tf} ({context['tf_git_version']})" if context.get("tf_git_version") else tf


def _context_section(combined):
    hosts = combined["hosts"]

    def counts(host):
        cells = [p["by_host"][host["host"]] for p in combined["paths"] if host["host"] in p["by_host"]]
        failed = sum(c["status"] == "FAILED" for c in cells)
        return f"{len(cells) - failed} ok, {failed} FAILED"

    configs = {markdown._model_config(h["context"]) for h in hosts}

    def model(host):  # the whole configuration only where the hosts differ; else once below the table
        if len(configs) == 1:
            return markdown._known((host["context"].get("model") or {}).get("name"))
        return markdown._model_config(host["context"])

    rows = [
        ("Host", lambda h: markdown._known(h["host_name"])),
        ("Folder", lambda h: f"`{os.path.basename(h['folder'].rstrip(os.sep))}`"),
        ("CPU", lambda h: markdown._known(h["context"].get("cpu_model"))),
        ("Cores", lambda h: markdown._known(h["context"].get("cores"))),
        ("Pinning", lambda h: markdown._pinning(h["context"])),
        ("TensorFlow", lambda h: _tf(h["context"])),
        ("AOT target CPU", lambda h: markdown._known(h["context"].get("aot_target_cpu"))),
        ("Model", model),
        ("FMA count", lambda h: markdown._fma(h["context"])),
        ("Commit", lambda h: markdown._known(h["context"].get("git_commit"))),
        ("Started (UTC)", lambda h: markdown._known(h["context"].get("started_utc"))),
        ("Lower bound us", lambda h: fmt.us(h["lower_bound_us"])),
        ("Paths", counts),
    ]
    lines = ["## Context", "", markdown._table_row([""] + [h["host"] for h in hosts]),
             "|---|" + "---|" * len(hosts)]
    lines += [markdown._table_row([title] + [value(h) for h in hosts]) for title, value in rows]
    if len(configs) == 1:
        lines += ["", f"Model on every host: {configs.pop()}."]
    return lines


def _problems_section(combined):
    problems = [(h["host"], p) for h in combined["hosts"] for p in h["problems"]]
    lines = ["## Problems", ""]
    if not problems:
        return lines + ["None: every input file was read."]
    return lines + [f"- {host}: `{p['file']}`: {p['reason']}." for host, p in problems]


def render(combined):
    """The multi-host report.md's text."""
    sections = [_header(combined), _latency_section(combined), _context_section(combined),
                _problems_section(combined)]
    return "\n\n".join("\n".join(section).rstrip("\n") for section in sections) + "\n"

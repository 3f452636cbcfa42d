#!/usr/bin/python3
"""Generate test/reference/corpus-record-counts.json: per-file EVTX record counts
from python-evtx, the reference decoder that Haetae's parser is checked against.

Why this file exists
--------------------
The corpus test compares the number of records Haetae's EVTX parser finds in
each file of the sample corpus with the number python-evtx finds. python-evtx
is too slow to run on every test run (rendering the whole corpus to XML takes
about 40 s on 2 cores; counting alone is quick, well under a second), and it
is a Python dependency that the Node test setup does not have. So we run it
once, save its counts in a JSON file that is committed with the tests, and the
test compares Haetae's counts with that file.

How to regenerate
-----------------
Install python-evtx for the system Python (Debian: `apt-get install
python3-evtx`) and run it with that interpreter, not a pyenv/virtualenv one:

    /usr/bin/python3 scripts/evtx-reference-counts.py            # default corpus
    HAETAE_CORPUS=/path/to/corpus /usr/bin/python3 scripts/evtx-reference-counts.py
    /usr/bin/python3 scripts/evtx-reference-counts.py /path/to/corpus/evtx

Corpus folder: the path argument if given, else `$HAETAE_CORPUS/evtx` if
HAETAE_CORPUS is set, else `../shared/corpus/evtx` relative to the project root.
Every file whose name ends in `.evtx` (any case) below it is counted, using
both/all cores. Output (keys sorted, paths relative to the corpus folder with
forward slashes):

    {"generator": "python-evtx <version> via scripts/evtx-reference-counts.py",
     "root": "corpus/evtx",
     "files": {"<relative path>": {"records": N, "error": null | "..."}}}

If python-evtx raises while iterating a file, `records` is the count reached
before the exception and `error` is "<ExceptionClass>: <message>".

Exactly which records python-evtx counts (python-evtx 0.6.1, Evtx/Evtx.py)
-------------------------------------------------------------------------
Counting is `sum(1 for _ in Evtx(path).records())`. Records are NOT rendered
(no BinXML/XML parsing), so these are purely structural counts. The rules:

Chunks (FileHeader.chunks):
  * The file header is NOT consulted for which chunks exist: `chunk_count`,
    `current_chunk_number`, `oldest_chunk`, `next_record_number` and the dirty
    /full flags are all ignored, and the header is never verified (magic,
    version, CRC are not checked).
  * Chunks are read at offset `header_chunk_size` (header word at 0x28,
    normally 0x1000) and then every 0x10000 bytes, for as long as a WHOLE
    64 KiB chunk fits in the file (`ofs + 0x10000 <= file size`). So in dirty
    or oversized files, chunks beyond the header's chunk count ARE read; a
    trailing partial chunk is ignored.
  * Chunks are NOT verified: the "ElfChnk\\0" magic, header CRC and data CRC
    are not checked. An all-zero (unused) chunk contributes 0 records only
    because its next_record_offset is 0.

Records within a chunk (ChunkHeader.records):
  * The first record is read at chunk offset 0x200; each following record at
    previous offset + previous record's `size` (dword at record+4).
  * A record is counted while its start offset < chunk start +
    `next_record_offset` (the chunk header dword at 0x30, i.e. the free-space
    offset) AND its `size` > 0. `last_record_offset` (0x2C) and the chunk's
    first/last record NUMBERS are NOT used to stop or filter.
  * If a record's `size` > 0x10000, iteration of that chunk stops silently
    (InvalidRecordException, not counted, not an error) and the next chunk is
    read. `size` == 0x10000 is still accepted.
  * Record magic (0x00002a2a), the trailing size copy (size2), the record
    number and the timestamp are NOT checked; a record with bad magic inside
    [0x200, next_record_offset) is still counted.
  * No bound keeps records inside the chunk: a next_record_offset larger than
    0x10000 lets iteration run into the following bytes; reading a size past
    the end of the file raises OverrunBufferException, which is reported as
    this file's error (count so far kept).
An empty (0-byte) file cannot be mmapped and is reported as an error with 0
records.
"""

import json
import multiprocessing
import os
import sys
import time

OUTPUT_REL = os.path.join("test", "reference", "corpus-record-counts.json")
SCRIPT_REL = "scripts/evtx-reference-counts.py"


def project_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus_dir(argv):
    if len(argv) > 1:
        return os.path.abspath(argv[1])
    env = os.environ.get("HAETAE_CORPUS")
    if env:
        return os.path.abspath(os.path.join(env, "evtx"))
    return os.path.abspath(os.path.join(project_root(), "..", "shared", "corpus", "evtx"))


def python_evtx_version():
    try:
        from importlib.metadata import version
        return version("python-evtx")
    except Exception:
        return "unknown"


def find_evtx(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            if name.lower().endswith(".evtx"):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                found.append((rel, full))
    return sorted(found)


def count_file(job):
    rel, full = job
    from Evtx.Evtx import Evtx

    count = 0
    error = None
    try:
        with Evtx(full) as log:
            for _ in log.records():
                count += 1
    except Exception as exc:  # record whatever python-evtx raised
        error = "{}: {}".format(type(exc).__name__, exc)
    return rel, count, error


def main(argv):
    root = corpus_dir(argv)
    if not os.path.isdir(root):
        sys.stderr.write("corpus folder not found: {}\n".format(root))
        return 2
    jobs = find_evtx(root)
    # Biggest files first so the two workers finish at about the same time.
    jobs.sort(key=lambda j: os.path.getsize(j[1]), reverse=True)
    sys.stderr.write("counting records in {} files under {}\n".format(len(jobs), root))

    started = time.time()
    files = {}
    with multiprocessing.Pool(processes=max(2, os.cpu_count() or 1)) as pool:
        for done, (rel, count, error) in enumerate(pool.imap_unordered(count_file, jobs), 1):
            files[rel] = {"records": count, "error": error}
            msg = "[{}/{}] {}: {}".format(done, len(jobs), rel, count)
            if error:
                msg += " ERROR " + error
            sys.stderr.write(msg + "\n")

    parent = os.path.dirname(root)
    if os.path.basename(root) == "evtx" and os.path.basename(parent) == "corpus":
        root_label = "corpus/evtx"
    else:
        root_label = root.replace(os.sep, "/")
    out = {
        "generator": "python-evtx {} via {}".format(python_evtx_version(), SCRIPT_REL),
        "root": root_label,
        "files": files,
    }
    out_path = os.path.join(project_root(), OUTPUT_REL)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")

    errors = sum(1 for v in files.values() if v["error"])
    total = sum(v["records"] for v in files.values())
    sys.stderr.write("{} files, {} records, {} with errors, {:.1f}s -> {}\n".format(
        len(files), total, errors, time.time() - started, out_path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""import-nc on hostile exports: damaged, lying and encrypted zips, links out of the export
folder, very wide files and memory (issue 24, item 6)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lacgraph.errors import InputError
from lacgraph.loaders.netcanvas import read_interviews, read_netcanvas, read_study
from lacgraph.loaders.netcanvas_mapping import Mapping

DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"
EGO = ("networkCanvasEgoUUID,networkCanvasCaseID,networkCanvasSessionID,"
       "networkCanvasProtocolName,sessionStart,sessionFinish,sessionExported\n"
       "e1,P1,s1,LAC,2024-01-10T09:00:00Z,2024-01-10T10:00:00Z,2024-01-11T10:00:00Z\n")
EDGES = ("edgeID,from,to,networkCanvasEgoUUID,networkCanvasUUID,networkCanvasSourceUUID,"
         "networkCanvasTargetUUID\n")


def zipped(tmp_path: Path, method: int = zipfile.ZIP_DEFLATED) -> Path:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", method) as out:
        for file in sorted((DATA / "fresco_csv").iterdir()):
            out.write(file, file.name)
    return archive


def one_problem(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_netcanvas(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def patch_central(archive: Path, offset: int, value: bytes) -> None:
    """Overwrite a field of every central-directory record of a .zip."""
    data = bytearray(archive.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + offset:at + offset + len(value)] = value
        at = data.find(b"PK\x01\x02", at + 4)
    archive.write_bytes(bytes(data))


def test_a_cut_short_zip_is_refused_in_one_line(tmp_path):
    archive = zipped(tmp_path)
    archive.write_bytes(archive.read_bytes()[:-30])
    found = one_problem(archive)
    assert found.startswith("export.zip") and "not a readable .zip file" in found


def test_a_zip_with_damaged_contents_names_the_member(tmp_path):
    archive = zipped(tmp_path)
    data = bytearray(archive.read_bytes())
    start = data.find(b"PK\x03\x04") + 30 + len("P001_s1a-0001_attributeList_Person.csv")
    for i in range(start + 5, start + 40):
        data[i] ^= 0x5A
    archive.write_bytes(bytes(data))
    found = one_problem(archive)
    assert found.startswith("export.zip/P001_s1a-0001_attributeList_Person.csv")
    assert "damaged" in found


def test_a_zip_whose_sizes_lie_is_refused(tmp_path):
    archive = zipped(tmp_path, zipfile.ZIP_STORED)
    patch_central(archive, 24, (10).to_bytes(4, "little"))  # uncompressed size: 10 bytes
    found = one_problem(archive)
    assert found.startswith("export.zip/") and ("sizes are wrong" in found)


def test_a_zip_that_unpacks_to_more_than_it_may_is_counted_as_read(tmp_path):
    archive = zipped(tmp_path, zipfile.ZIP_STORED)
    from lacgraph.loaders.netcanvas_files import read_export
    size = sum(f.stat().st_size for f in (DATA / "fresco_csv").iterdir())
    with pytest.raises(InputError) as caught:
        read_export(archive, limit=size - 1)
    assert "more than" in str(caught.value)


def test_an_encrypted_member_is_refused_in_one_line(tmp_path):
    archive = zipped(tmp_path)
    patch_central(archive, 8, b"\x01")  # general purpose flag: encrypted
    found = one_problem(archive)
    assert "is encrypted" in found and "without a password" in found
    assert found.startswith("export.zip/P001_s1a-0001_attributeList_Person.csv")


def test_links_out_of_the_export_folder_are_not_followed(tmp_path):
    export = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "export"))
    outside = Path(shutil.copytree(DATA / "interviewer_csv", tmp_path / "elsewhere"))
    (outside / "P009_x_ego.csv").write_text(EGO.replace("P1", "P009"), encoding="utf-8")
    os.symlink(outside / "P009_x_ego.csv", export / "P009_x_ego.csv")
    os.symlink(outside, export / "more")
    done = read_study(export)
    assert "P009" not in set(done.tables.nodes["id"])
    skipped = sorted(n.file for n in done.notices if "not followed" in n.reason)
    assert skipped == ["P009_x_ego.csv", "more"]
    inside = export / "sub"
    inside.mkdir()
    os.symlink(export / "P001_s1a-0001_ego.csv", inside / "link.txt")  # inside: harmless
    assert not [n for n in read_study(export).notices if "sub" in n.file]


def test_a_very_wide_file_keeps_only_the_columns_the_mapping_reads(tmp_path):
    export = tmp_path / "wide"
    export.mkdir()
    (export / "P1_s1_ego.csv").write_text(EGO, encoding="utf-8")
    names = [f"v{i}" for i in range(50_000)]
    (export / "P1_s1_attributeList_Person.csv").write_text(
        "nodeID,networkCanvasEgoUUID,networkCanvasUUID,name," + ",".join(names) + "\n"
        + "1,e1,n1,Jo," + ",".join("x" for _ in names) + "\n", encoding="utf-8")
    (export / "P1_s1_edgeList_knows.csv").write_text(EDGES, encoding="utf-8")
    interviews = read_interviews(export, Mapping())
    assert set(interviews.alters.columns) == {"nodeID", "networkCanvasEgoUUID",
                                              "networkCanvasUUID", "name", "@type", "@file",
                                              "@line", "@where"}
    assert len(interviews.columns[("alters", "Person")]) == 50_004  # every name is known
    assert read_netcanvas(export).nodes["label"].tolist() == ["", "Jo"]


MEASURE = r"""
import json, resource, sys
import lacgraph.loaders.netcanvas as nc
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tables = nc.read_netcanvas(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kib": after - before, "nodes": len(tables.nodes)}))
"""


def _peak_growth(folder: Path, rows: int) -> tuple[int, int]:
    """Peak RSS growth of an import (bytes) and the size of its largest file: an attribute
    list of ``rows`` alters whose every cell is read (nodeID, ego UUID, UUID, name)."""
    folder.mkdir()
    (folder / "P1_s1_ego.csv").write_text(EGO, encoding="utf-8")
    with (folder / "P1_s1_attributeList_Person.csv").open("w", encoding="utf-8") as out:
        out.write("nodeID,networkCanvasEgoUUID,networkCanvasUUID,name\n")  # all of it read
        for i in range(rows):
            out.write(f"{i},e1,n{i},Person number {i}\n")
    (folder / "P1_s1_edgeList_knows.csv").write_text(EDGES, encoding="utf-8")
    largest = (folder / "P1_s1_attributeList_Person.csv").stat().st_size
    done = subprocess.run([sys.executable, "-c", MEASURE, str(folder)], capture_output=True,
                          text=True, check=True, timeout=300)
    result = json.loads(done.stdout)
    assert result["nodes"] == rows + 1
    return result["grew_kib"] * 1024, largest


def test_peak_memory_grows_in_proportion_to_the_largest_file(tmp_path):
    small_grew, small = _peak_growth(tmp_path / "small", 60_000)  # about 2 MB
    grew, largest = _peak_growth(tmp_path / "large", 300_000)  # about 11 MB
    slope = (grew - small_grew) / (largest - small)
    print(f"peak grew {small_grew / small:.1f}x and {grew / largest:.1f}x the largest file "
          f"({small} and {largest} bytes); {slope:.1f} bytes more per byte more")
    # Issue 24 asks for a peak of at most 10x the largest member plus a constant.
    # Measured (peak RSS growth in a subprocess; attribute lists of 60k, 150k and 300k
    # rows, 2.1, 5.5 and 10.8 MiB): 12.6x, 10.4x and 9.6x the file, 9.0 bytes more per
    # byte more between 60k and 300k rows, alone and under pytest (before: 15.2x, 12.9x,
    # 12.2x, slope 11.5; at first 19.5x, 17.3x, 16.3x, slope 15.5). The small file's larger
    # ratio is a constant of about 7 MiB (modules imported on first use, allocator arenas).
    # At 300k rows the output tables alone are about 69 MiB (6.4x: an id string and the
    # name per node, pointer columns of the documented dtypes); the peak, in validation,
    # holds them with the few text columns the validated tables hold in other types.
    assert slope <= 10, (grew, largest, small_grew, small)
    assert grew <= 10 * largest + 16 * 1024**2, (grew, largest)
    assert grew <= 2 * 1024**3

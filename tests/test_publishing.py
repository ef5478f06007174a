"""Publishing: the workflows in .github/workflows/, the scripts they run (run here for real),
the release's files they attach, and .zenodo.json."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

import actionplans
from actionplans import model as m
from actionplans.errors import ActionplansError
from actionplans.problems import RELEASE_ASSET_UNVERIFIED, RELEASE_TAG_UNKNOWN
from actionplans.publishing import check_zenodo, copy_assets, read_sums, release_assets, tag_version, zenodo_json, zenodo_metadata

from .conftest import DATAPACKAGE, ROOT, SITE_URL, copy_project

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SCRIPTS = ROOT / "scripts"
#: The scripts the workflows run; each is run by a test below.
TESTED_SCRIPTS = {"scripts/build-site", "scripts/release-assets"}


def _run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHON": sys.executable, **(env or {})},
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- a small built site: what release_assets reads ---------------------------------------------
def _fake_site(root: Path, files: dict[str, bytes] | None = None, *, listed: dict[str, bytes] | None = None) -> Path:
    """A site with releases 1.0.0 and 1.2.0 in releases.json; release 1.2.0's files are
    ``files``, listed in its SHA256SUMS with the SHA-256 of ``listed`` (default: of ``files``)."""
    files = (
        files
        if files is not None
        else {
            "datapackage.zip": b"zip",
            "actionplans.xlsx": b"xlsx",
            "actionplans.sqlite": b"sqlite",
            "actionplans.json": b"{}",
            "changes.json": b"{}",
            "csv/tasks.csv": b"id\n",
        }
    )
    listed = listed if listed is not None else files
    folder = root / "releases" / "1.2.0"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SHA256SUMS").write_text("".join(f"{_sha256(data)}  {name}\n" for name, data in listed.items()), encoding="utf-8")
    (root / "releases.json").write_text(json.dumps([{"version": "1.0.0"}, {"version": "1.2.0"}]), encoding="utf-8")
    return root


def test_a_tag_names_its_version() -> None:
    assert tag_version("v1.2.0") == "1.2.0"
    for tag in ("1.2.0", "v1.2", "release-1.2.0", "v1.2.0-rc1", "V1.2.0"):
        with pytest.raises(ActionplansError) as raised:
            tag_version(tag)
        assert raised.value.code is RELEASE_TAG_UNKNOWN, tag


def test_release_assets_are_the_package_workbooks_and_sums(tmp_path: Path) -> None:
    site = _fake_site(tmp_path / "site")
    assets = release_assets(site, "v1.2.0")
    assert [a.name for a in assets] == ["datapackage.zip", "actionplans.xlsx", "actionplans.sqlite", "SHA256SUMS"]
    copied = copy_assets(assets, tmp_path / "dist")
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == sorted(a.name for a in assets)
    sums = read_sums(tmp_path / "dist" / "SHA256SUMS")
    for path in copied[:-1]:
        assert _sha256(path.read_bytes()) == sums[path.name]
    # copying again into the same folder is fine; a folder with other files is refused
    copy_assets(assets, tmp_path / "dist")
    (tmp_path / "dist" / "stale.zip").write_bytes(b"old")
    with pytest.raises(ActionplansError, match=r"stale\.zip") as raised:
        copy_assets(assets, tmp_path / "dist")
    assert raised.value.code is RELEASE_ASSET_UNVERIFIED


def test_the_parquet_zip_is_attached_when_a_release_has_one(tmp_path: Path) -> None:
    files = {
        "datapackage.zip": b"zip",
        "actionplans.xlsx": b"x",
        "actionplans.sqlite": b"s",
        "actionplans-parquet.zip": b"PK-parquet",
        "parquet/tasks.parquet": b"PAR1",  # a table's own file stays on the site: assets are flat
    }
    assets = release_assets(_fake_site(tmp_path, files), "v1.2.0")
    assert [a.name for a in assets] == [
        "datapackage.zip",
        "actionplans.xlsx",
        "actionplans.sqlite",
        "actionplans-parquet.zip",
        "SHA256SUMS",
    ]


def test_every_unverified_file_is_reported_at_once(tmp_path: Path) -> None:
    files = {"datapackage.zip": b"zip", "actionplans.sqlite": b"changed", "actionplans-parquet.zip": b"PK"}
    listed = {"datapackage.zip": b"zip", "actionplans.sqlite": b"as released"}
    with pytest.raises(ActionplansError) as raised:
        release_assets(_fake_site(tmp_path, files, listed=listed), "v1.2.0")
    message = str(raised.value)
    assert raised.value.code is RELEASE_ASSET_UNVERIFIED
    assert "lists no *.xlsx" in message
    assert f"actionplans.sqlite: SHA-256 {_sha256(b'changed')}; expected {_sha256(b'as released')}" in message
    assert "actionplans-parquet.zip: not listed in" in message
    assert len(message.splitlines()) == 3


def test_a_listed_file_that_is_missing_is_reported(tmp_path: Path) -> None:
    files = {"datapackage.zip": b"zip", "actionplans.xlsx": b"x", "actionplans.sqlite": b"s"}
    site = _fake_site(tmp_path, files)
    (site / "releases" / "1.2.0" / "actionplans.xlsx").unlink()
    with pytest.raises(ActionplansError, match=r"actionplans.xlsx: missing; .*SHA256SUMS lists it"):
        release_assets(site, "v1.2.0")


def test_a_tag_of_no_published_release_is_refused(tmp_path: Path) -> None:
    site = _fake_site(tmp_path)
    with pytest.raises(
        ActionplansError, match=r"publishes no release 1\.1\.0; expected one of its releases \(1\.0\.0, 1\.2\.0\)"
    ) as raised:
        release_assets(site, "v1.1.0")
    assert raised.value.code is RELEASE_TAG_UNKNOWN
    with pytest.raises(ActionplansError, match=r"releases\.json: missing or unreadable"):
        release_assets(tmp_path / "nothing", "v1.2.0")
    with pytest.raises(ActionplansError, match="SHA256SUMS: missing"):
        (site / "releases" / "1.0.0").mkdir()
        release_assets(site, "v1.0.0")


def test_the_release_assets_script_copies_the_files_and_fails_with_a_code(tmp_path: Path) -> None:
    site = _fake_site(tmp_path / "site")
    ran = _run(SCRIPTS / "release-assets", "v1.2.0", tmp_path / "dist", "--site", site, "--zenodo", tmp_path / "none.json")
    assert ran.returncode == 0, ran.stderr
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "SHA256SUMS",
        "actionplans.sqlite",
        "actionplans.xlsx",
        "datapackage.zip",
    ]
    assert "4 files of release v1.2.0" in ran.stderr
    ran = _run(SCRIPTS / "release-assets", "v2.0.0", tmp_path / "dist2", "--site", site)
    assert ran.returncode == 1 and f"[{RELEASE_TAG_UNKNOWN}]" in ran.stderr and not (tmp_path / "dist2").exists()
    assert _run(SCRIPTS / "release-assets", "v1.2.0").returncode == 2


def test_the_release_assets_script_refuses_a_zenodo_json_of_another_version(tmp_path: Path) -> None:
    site = _fake_site(tmp_path / "site")
    (tmp_path / "zenodo.json").write_text(json.dumps({"version": "1.0.0"}), encoding="utf-8")
    ran = _run(SCRIPTS / "release-assets", "v1.2.0", tmp_path / "dist", "--site", site, "--zenodo", tmp_path / "zenodo.json")
    assert ran.returncode == 1
    assert "version '1.0.0'; expected '1.2.0', the version tag v1.2.0 names" in ran.stderr
    check_zenodo(tmp_path / "zenodo.json", "v1.0.0")


# --- the build script ----------------------------------------------------------------------------
def _project(target: Path) -> Path:
    copy_project(target, "content", "site_templates", "datapackage", "releases", "scripts")
    shutil.copy(ROOT / ".zenodo.json", target / ".zenodo.json")
    return target


def test_the_build_script_stops_before_building_when_the_data_package_is_stale(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    tasks = project / "datapackage" / "tasks.csv"
    tasks.write_bytes(tasks.read_bytes().replace(b"\n", b"\r\n", 1))
    ran = _run(project / "scripts" / "build-site", "--no-install", cwd=tmp_path)
    assert ran.returncode == 1
    assert "tasks.csv: stale against content" in ran.stderr
    assert not (project / "site").exists() and not (project / "build").exists()
    assert _run(project / "scripts" / "build-site", "--bogus").returncode == 2


@pytest.mark.slow
def test_the_build_script_builds_the_site_and_the_release_files_verify(tmp_path: Path) -> None:
    """What the two workflows run, end to end: the site built as Pages publishes it, then the
    latest release's files gathered from it to attach, each matching its SHA256SUMS."""
    project = _project(tmp_path / "project")
    ran = _run(project / "scripts" / "build-site", "--no-install", cwd=tmp_path, env={"SITE_URL": SITE_URL.rstrip("/")})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    site = project / "site"
    assert (site / "index.html").is_file() and (site / "en" / "index.html").is_file()
    assert f'href="{SITE_URL}"' in (site / "index.html").read_text(encoding="utf-8")  # the address configure-pages gives
    assert (site / "pagefind").is_dir() and (site / "sitemap.xml").is_file()
    version = actionplans.load(DATAPACKAGE).version
    ran = _run(project / "scripts" / "release-assets", f"v{version}", tmp_path / "dist", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    dist = tmp_path / "dist"
    names = sorted(p.name for p in dist.iterdir())
    assert {"SHA256SUMS", "datapackage.zip", "actionplans.xlsx", "actionplans.sqlite"} <= set(names)
    assert set(names) == {"SHA256SUMS", "datapackage.zip", "actionplans.xlsx", "actionplans.sqlite", "actionplans-parquet.zip"}
    sums = read_sums(dist / "SHA256SUMS")
    assert (dist / "SHA256SUMS").read_bytes() == (site / "releases" / version / "SHA256SUMS").read_bytes()
    for name in names:
        if name != "SHA256SUMS":
            assert _sha256((dist / name).read_bytes()) == sums[name], name
    released = actionplans.load(dist / "datapackage.zip", sha256=sums["datapackage.zip"])
    assert released.version == version


# --- the workflows --------------------------------------------------------------------------------
def _workflow(path: Path) -> dict[str, object]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _steps(document: dict[str, object]) -> list[dict[str, object]]:
    jobs = document["jobs"]
    assert isinstance(jobs, dict)
    return [step for job in jobs.values() for step in job.get("steps", [])]


def _schema_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the GitHub workflow schema it bundles (no network)."""
    return _run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *paths)


def test_the_workflows_are_valid_against_the_workflow_schema() -> None:
    assert [p.name for p in WORKFLOWS] == ["pages.yml", "release-assets.yml"]
    ran = _schema_check(*WORKFLOWS)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_the_workflow_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    broken.write_text(
        text.replace("    runs-on: ubuntu-latest\n    timeout-minutes: 30\n", "    runs_on: ubuntu-latest\n", 1), encoding="utf-8"
    )
    ran = _schema_check(broken)
    assert ran.returncode == 1 and "runs_on" in ran.stdout


def test_the_workflows_only_run_scripts_the_tests_run() -> None:
    """A workflow is a thin wrapper: besides actions, it runs scripts of the repository that
    this file runs (and, to attach files, the GitHub CLI)."""
    for path in WORKFLOWS:
        for step in _steps(_workflow(path)):
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+", str(step["uses"])), (
                    f"{path.name}: {step['uses']}: expected an action of GitHub's pinned to its major version"
                )
                continue
            for line in str(step["run"]).splitlines():
                assert line.split()[0] in TESTED_SCRIPTS or line.startswith("gh release "), (
                    f"{path.name}: {line!r}: expected a script of scripts/ that the tests run, or gh release"
                )
    for script in TESTED_SCRIPTS:
        assert os.access(ROOT / script, os.X_OK), f"{script} is not executable"


def test_the_pages_workflow_publishes_the_built_site_on_every_push_to_main() -> None:
    document = _workflow(ROOT / ".github" / "workflows" / "pages.yml")
    on = document[True] if True in document else document["on"]  # YAML 1.1 reads `on` as true
    assert on["push"] == {"branches": ["main"]}
    assert document["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert document["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    steps = _steps(document)
    uses = [str(s.get("uses", "")).split("@")[0] for s in steps]
    assert (
        uses.index("actions/configure-pages")
        < [s.get("run") for s in steps].index("scripts/build-site")
        < uses.index("actions/upload-pages-artifact")
    )
    build = next(s for s in steps if s.get("run") == "scripts/build-site")
    configure = next(s for s in steps if str(s.get("uses", "")).startswith("actions/configure-pages"))
    assert build["env"] == {"SITE_URL": "${{ steps." + str(configure["id"]) + ".outputs.base_url }}"}
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"] == {"path": "site"}
    deploy = document["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_the_release_workflow_attaches_the_tagged_release_s_files() -> None:
    document = _workflow(ROOT / ".github" / "workflows" / "release-assets.yml")
    on = document[True] if True in document else document["on"]
    assert on == {"push": {"tags": ["v*"]}}
    assert document["permissions"] == {"contents": "write"}
    runs = [str(s["run"]) for s in _steps(document) if "run" in s]
    assert runs[0] == "scripts/build-site"
    assert runs[1] == 'scripts/release-assets "$GITHUB_REF_NAME" dist'
    assert 'gh release upload "$TAG" dist/* --clobber' in runs[2]


# --- .zenodo.json -------------------------------------------------------------------------------
#: Zenodo's deposit metadata rules that can be checked offline (developers.zenodo.org,
#: "Deposit metadata"): the keys a deposit requires, and the form of those .zenodo.json states.
ZENODO_DEPOSIT = {
    "type": "object",
    "required": ["upload_type", "title", "creators", "description", "access_right", "license"],
    "additionalProperties": False,
    "properties": {
        "upload_type": {"const": "dataset"},
        "access_right": {"const": "open"},
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "creators": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "affiliation": {"type": "string"},
                    "orcid": {"type": "string", "pattern": r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"},
                },
            },
        },
        "contributors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "type"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "type": {
                        "enum": [
                            "ContactPerson",
                            "DataCollector",
                            "DataCurator",
                            "DataManager",
                            "Distributor",
                            "Editor",
                            "HostingInstitution",
                            "Producer",
                            "ProjectLeader",
                            "ProjectManager",
                            "ProjectMember",
                            "RegistrationAgency",
                            "RegistrationAuthority",
                            "RelatedPerson",
                            "Researcher",
                            "ResearchGroup",
                            "RightsHolder",
                            "Supervisor",
                            "Sponsor",
                            "WorkPackageLeader",
                            "Other",
                        ]
                    },
                    "orcid": {"type": "string"},
                },
            },
        },
        # a licence's id as Zenodo's licence vocabulary spells it: lowercase SPDX
        "license": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9.+-]*$"},
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
        "publication_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "related_identifiers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["identifier", "relation"],
                "additionalProperties": False,
                "properties": {
                    "identifier": {"type": "string", "pattern": "^https?://"},
                    "relation": {
                        "enum": [
                            "isCitedBy",
                            "cites",
                            "isSupplementTo",
                            "isSupplementedBy",
                            "isNewVersionOf",
                            "isPreviousVersionOf",
                            "isPartOf",
                            "hasPart",
                            "isReferencedBy",
                            "references",
                            "isDocumentedBy",
                            "documents",
                            "isVersionOf",
                            "hasVersion",
                            "isIdenticalTo",
                            "isDerivedFrom",
                            "isSourceOf",
                            "isAlternateIdentifier",
                        ]
                    },
                    "resource_type": {"enum": ["dataset", "publication", "software", "other"]},
                    "scheme": {"const": "url"},
                },
            },
        },
    },
}


def test_zenodo_json_is_current_with_the_package_metadata() -> None:
    """.zenodo.json is generated from datapackage/: nox -s docs"""
    committed = (ROOT / ".zenodo.json").read_text(encoding="utf-8")
    assert committed == zenodo_json(actionplans.load(DATAPACKAGE)), ".zenodo.json is stale; run nox -s docs"


def test_zenodo_json_follows_zenodo_s_deposit_rules_and_says_what_the_package_says() -> None:
    document = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, ZENODO_DEPOSIT)
    descriptor = json.loads((DATAPACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    assert document["title"] == descriptor["title"]
    assert document["version"] == descriptor["version"]
    assert document["license"] == descriptor["licenses"][0]["name"].lower()
    assert [c["name"] for c in document["creators"]] == [c["title"] for c in descriptor["contributors"] if "author" in c["roles"]]
    assert html.escape(descriptor["description"]) in document["description"]
    assert "related_identifiers" not in document or descriptor.get("homepage")  # no address, no links to it


def test_zenodo_metadata_links_the_release_page_and_credits_every_contributor() -> None:
    dataset = actionplans.load(DATAPACKAGE)
    meta = dataclasses.replace(
        dataset.meta,
        homepage="https://example.org/actionplans",
        contributors=(
            m.Contributor("Li, Qing", "author", "https://orcid.org/0000-0002-1825-0097"),
            m.Contributor("Example Press", "publisher", None),
            m.Contributor("Wang, Min", "wrangler", None),
        ),
    )
    document = zenodo_metadata(dataclasses.replace(dataset, meta=meta))
    jsonschema.validate(document, ZENODO_DEPOSIT)
    assert document["creators"] == [{"name": "Li, Qing", "orcid": "0000-0002-1825-0097"}]
    assert document["contributors"] == [
        {"name": "Example Press", "type": "Distributor"},
        {"name": "Wang, Min", "type": "DataCurator"},
    ]
    assert document["related_identifiers"] == [
        {
            "identifier": f"https://example.org/actionplans/releases/{meta.version}/",
            "relation": "isIdenticalTo",
            "resource_type": "dataset",
            "scheme": "url",
        },
        {
            "identifier": "https://example.org/actionplans/",
            "relation": "isVersionOf",
            "resource_type": "dataset",
            "scheme": "url",
        },
    ]
    assert '<p lang="zh-Hans">' in document["description"]
    text = zenodo_json(dataclasses.replace(dataset, meta=meta))
    assert text == zenodo_json(dataclasses.replace(dataset, meta=meta)) and json.loads(text) == document


def test_zenodo_metadata_rejects_what_zenodo_would() -> None:
    """The rules above can fail: a deposit without creators, of another type or an upper-case licence id."""
    document = zenodo_metadata(actionplans.load(DATAPACKAGE))
    for broken in (
        {**document, "creators": []},
        {**document, "upload_type": "software"},
        {**document, "license": "CC-BY-4.0"},
        {k: v for k, v in document.items() if k != "title"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, ZENODO_DEPOSIT)

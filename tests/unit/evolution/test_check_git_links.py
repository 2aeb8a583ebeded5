"""``schemagen check --against REF`` when the baseline commit holds symlinks: a link to an
absolute path or out of the tree is skipped with a warning naming it (never followed,
never a traceback); a link inside the tree still works."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from schemagen.cli import main as cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

V1 = json.dumps({"type": "record", "name": "R", "namespace": "ns",
                 "fields": [{"name": "a", "type": "int"}]})


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                    "-c", "init.defaultBranch=main", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.parametrize("target", ["/etc/hostname", "../../../outside.avsc"])
def test_links_out_of_the_tree_are_skipped_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        target: str) -> None:
    (tmp_path / "outside.avsc").write_text('{"secret": "do not read"}')
    repo = tmp_path / "repo"
    (repo / "schemas").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "schemas" / "r.avsc").write_text(V1)
    (repo / "schemas" / "evil.avsc").symlink_to(target)
    (repo / "schemas" / "alias.avsc").symlink_to("r.avsc")  # inside the tree: fine
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    (repo / "schemas" / "evil.avsc").unlink()
    (repo / "schemas" / "alias.avsc").unlink()
    monkeypatch.chdir(repo)
    code = cli.main(["check", "schemas", "--against", "HEAD"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "do not read" not in err + out
    assert code == 0, err
    assert "schemas/evil.avsc: skipped, not extracted" in err
    assert "alias.avsc" not in err


def test_a_link_inside_the_tree_but_out_of_the_checked_folder_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 15 item 3: the data filter lets this link through (it stays in the extracted
    # tree); the baseline is then held to the checked folder like the working tree is
    repo = tmp_path / "repo"
    (repo / "schemas").mkdir(parents=True)
    (repo / "private").mkdir()
    git(repo, "init", "-q")
    (repo / "schemas" / "r.avsc").write_text(V1)
    (repo / "private" / "token.avsc").write_text("SECRET_TOKEN_12345")
    (repo / "schemas" / "evil.avsc").symlink_to("../private/token.avsc")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    (repo / "schemas" / "evil.avsc").unlink()
    monkeypatch.chdir(repo)
    code = cli.main(["check", "schemas", "--format", "github", "--against", "HEAD"])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "SECRET_TOKEN_12345" not in out + err and "Traceback" not in err
    assert "baseline HEAD: schemas/evil.avsc: a symlink to" in err
    assert "private/token.avsc" in err and "refused, not read" in err

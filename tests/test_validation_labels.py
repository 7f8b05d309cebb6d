"""The labels file and the agreement table (the real-clip run itself is the `validate` command)."""

import pytest

from movement_screen.errors import InputError
from movement_screen.validation import agreement
from movement_screen.validation.harness import agrees

LABELS = agreement.Path(__file__).parent / "labels" / "lnewco_squats.csv"


def test_the_shared_labels_file_reads():
    labels = agreement.read_labels(LABELS)
    assert len(labels) >= 12
    assert {label.expected for label in labels} <= set(agreement.EXPECTED)
    assert all(label.source for label in labels)


def test_a_bad_expected_verdict_names_its_row(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("clips,screen,criterion,expected,source\na.mov,squat,heels_down,ok,me\n")
    with pytest.raises(InputError, match="row 2"):
        agreement.read_labels(bad)


def test_missing_columns_are_named(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("clip,criterion\na.mov,heels_down\n")
    with pytest.raises(InputError, match="screen"):
        agreement.read_labels(bad)


def test_not_pass_and_not_fail_accept_the_borderline():
    assert agrees("borderline", "not pass") and agrees("fail", "not pass") and not agrees("pass", "not pass")
    assert agrees("borderline", "not fail") and not agrees("fail", "not fail")


def test_cohens_kappa_on_pass_fail_labels():
    perfect = [("pass", "pass"), ("fail", "fail")] * 3
    assert agreement.cohen_kappa(perfect) == pytest.approx(1.0)
    assert agreement.cohen_kappa([("pass", "pass")]) is None


def test_a_clip_that_cannot_be_found_is_recorded_and_the_others_go_on(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("clips,screen,criterion,expected,source\nmissing.mov,squat,heels_down,pass,me\n")
    verdicts = agreement.run(labels)
    assert len(verdicts) == 1 and verdicts[0].state.startswith("error") and not verdicts[0].agrees
    assert "**no**" in agreement.tables(verdicts)


def test_validate_command_runs_a_labels_file_and_updates_a_markdown_section(tmp_path):
    import subprocess
    import sys

    labels = tmp_path / "labels.csv"
    labels.write_text("clips,screen,criterion,expected,source\nmissing.mov,squat,heels_down,pass,me\n")
    doc = tmp_path / "validation.md"
    doc.write_text("# Validation\n\n<!-- labels:start -->\nold\n<!-- labels:end -->\n\nkept\n")
    done = subprocess.run([sys.executable, "-m", "movement_screen", "validate", str(labels), "--update", str(doc)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "heels_down" in done.stdout and "error" in done.stdout
    text = doc.read_text()
    assert "old" not in text and "missing.mov" in text and text.rstrip().endswith("kept")
    nothing = subprocess.run([sys.executable, "-m", "movement_screen", "validate"], capture_output=True, text=True,
                             timeout=300)
    assert nothing.returncode == 2 and "labels" in nothing.stderr

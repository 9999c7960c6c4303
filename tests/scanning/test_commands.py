"""Command barcodes: one printable sheet runs a whole flow without touching the screen."""

import pytest

from floor.scanning.parser import COMMANDS, Command, Kind, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", list(Command))
def test_it_reads_each_command_barcode_on_the_sheet(command, django_assert_num_queries):
    with django_assert_num_queries(0):
        scan = parse(COMMANDS[command])
    assert scan.kind == Kind.COMMAND
    assert scan.command == command


@pytest.mark.parametrize("raw", ["cmd-done", "Cmd-Done", "]C0CMD-DONE\r\n", "  CMD-done "])
def test_it_reads_a_command_whatever_its_case_and_wrapping(raw):
    assert parse(raw).command == Command.DONE


def test_the_sheet_has_one_barcode_per_command():
    assert set(COMMANDS) == {"DONE", "UNDO", "SKIP", "PROBLEM", "QTY", "CANCEL", "EMPTY"}
    assert COMMANDS[Command.PROBLEM] == "CMD-PROBLEM"
    assert len(set(COMMANDS.values())) == len(COMMANDS)


def test_a_command_compares_equal_to_its_name():
    assert parse("CMD-CANCEL").command == "CANCEL"

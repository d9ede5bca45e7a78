"""Seed the database of a fault-test server: `python -m tests.faults.seed_fault_world OUTPUT_DIR`.

Writes OUTPUT_DIR/world.json (session cookie, ids) and OUTPUT_DIR/sheet.xlsx (the exported sheet with every
row the unit may fill, filled in), so the test process never needs the server's database itself.
"""

import datetime
import io
import json
import sys
from pathlib import Path

import django

django.setup()

import openpyxl  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from scoring.models import Assessment, Criterion, Framework, Period  # noqa: E402
from scoring.sheets.workbook import COLUMN_INDEX, sheet_export  # noqa: E402
from tests.factories import BlockFactory, UnitFactory, small_framework, user_with_role  # noqa: E402
from units.models import Role  # noqa: E402

FILLED = {"1.1.1": ("option", "Kịp thời"), "1.1.2": ("percent", 95), "1.3": ("is_yes", "Có"), "2.1": ("value", 1)}


def main(output: Path) -> None:
    block = BlockFactory(code="khoi-phuong", name="Khối phường")
    unit = UnitFactory(block=block, code="ha-dinh", name="UBND phường Hạ Đình")
    staff = user_with_role(Role.UNIT_STAFF, unit, username="cb-ha-dinh")
    colleague = user_with_role(Role.UNIT_STAFF, unit, username="cb2-ha-dinh")  # a second focal officer
    period = Period.objects.create(
        authority=block.authority,
        year=2024,
        state=Period.State.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + datetime.timedelta(days=14),
    )
    framework = small_framework(Framework.objects.create(period=period, block=block, name="BCS 2024"))
    sheet = Assessment.objects.create(period=period, unit=unit, framework=framework)
    client = Client()
    client.force_login(staff)
    workbook = openpyxl.load_workbook(io.BytesIO(sheet_export(assessment=sheet)))
    data = workbook.worksheets[0]
    for line in range(2, data.max_row + 1):
        code = data.cell(line, COLUMN_INDEX["code"]).value
        if code in FILLED:
            key, value = FILLED[code]
            data.cell(line, COLUMN_INDEX[key], value)
    workbook.save(output / "sheet.xlsx")
    second = Client()
    second.force_login(colleague)
    criteria = {criterion.code: criterion.pk for criterion in Criterion.objects.filter(framework=framework)}
    (output / "world.json").write_text(
        json.dumps(
            {
                "sessionid": client.cookies["sessionid"].value,
                "colleague_sessionid": second.cookies["sessionid"].value,
                "assessment": sheet.pk,
                "criteria": criteria,
                "filled_rows": len(FILLED),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

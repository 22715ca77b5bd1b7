"""The attempt page's ES modules, collected for production, import each other by their hashed names."""

import re
import shutil
from pathlib import Path

from config.static_storage import StaticFilesStorage

MODULES = Path(__file__).resolve().parents[2] / "static" / "js"


def test_collected_modules_import_each_other_by_their_hashed_names(tmp_path):
    (tmp_path / "js").mkdir()
    names = sorted(path.name for path in MODULES.glob("*.mjs"))
    for name in names:
        shutil.copy(MODULES / name, tmp_path / "js" / name)
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")

    # What collectstatic does after copying: hash every file, rewriting the references inside.
    list(storage.post_process({f"js/{name}": (storage, f"js/{name}") for name in names}))

    hashed = {name: Path(storage.stored_name(f"js/{name}")).name for name in names}
    assert all(hashed[name] != name for name in names)
    imports = 0
    for name in names:
        source = (tmp_path / "js" / hashed[name]).read_text(encoding="utf-8")
        for target in re.findall(r'from\s*"\./([^"]+)"', source):
            imports += 1
            assert target in hashed.values(), f"{name} imports {target} by its plain name"
    assert imports >= 10

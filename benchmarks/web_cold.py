"""What a page costs when the in-memory summaries are cold (issue 3): in one process, against the
synthetic national set on the given database (PostgreSQL for the issue's figures):

    source scripts/pg-test-server
    python benchmarks/web_cold.py --db "$CAREPOOL_TEST_POSTGRES_URL"

It prints the dashboard in a fresh process (nothing cached: every plan's figures and checks computed),
warm, and the first dashboard and overview after one plan changed (only that plan is read again).
The load benchmark (``web_load.py``) measures the warm steady state under 20 clients.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_load  # the same data and account as the load benchmark
from carepool.services import workflow
from carepool.services.plans import stored_plan
from carepool.web.app import create_app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("CAREPOOL_TEST_POSTGRES_URL"), help="database URL")
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db URL (or `source scripts/pg-test-server` first)")
    ids = web_load.prepare(args.db)
    app = create_app({"DATABASE_URL": args.db})
    client = app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    client.post(
        "/sign-in",
        data={"username": web_load.USERNAME, "password": web_load.PASSWORD, "csrf_token": token.group(1)},
    )

    def ms(path: str) -> float:
        started = time.perf_counter()
        assert client.get(path).status_code == 200, path
        return (time.perf_counter() - started) * 1000

    print(f"dashboard, fresh process (nothing cached): {ms('/dashboard'):.0f} ms")
    print(f"dashboard, warm (best of 5): {min(ms('/dashboard') for _ in range(5)):.1f} ms")
    db = app.extensions["carepool"].db
    version, plan = stored_plan(db, ids[0])
    edited = plan.model_copy(update={"title": f"{plan.title} (edited {time.time():.0f})"})
    workflow.save_draft(db, edited, based_on=version.number, actor="benchmarks/web_cold.py")
    print(f"dashboard, first after one plan changed: {ms('/dashboard'):.1f} ms")
    print(f"overview of that plan, first after the change: {ms('/plans/' + ids[0]):.1f} ms")
    print(f"overview, warm (best of 5): {min(ms('/plans/' + ids[0]) for _ in range(5)):.1f} ms")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

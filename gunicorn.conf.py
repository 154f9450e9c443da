"""gunicorn settings read from the working directory (`gunicorn … 'portfolio:create_app()'`).

The privacy scan's Dutch name and place lists (deduce) take about 1 GB and 7–45 s to load. Loaded
lazily, every worker pays both on its first scan: four workers hold four copies (PSS about
1,040 MB each) and a worker's first save after a start waits 20 s. Loaded here, in the master
before it forks, the workers share one copy (PSS about 245 MB each) and scan at once: `python -m
bench --only P10` measures both. `VAKBEKWAAM_PRELOAD_PRIVACY_SCAN=0` switches it off (a machine
with little memory that never saves text, or a quick start in development).
"""

import os


def when_ready(server):
    """In the master, after the listener is bound and before the first worker is forked."""
    if os.environ.get("VAKBEKWAAM_PRELOAD_PRIVACY_SCAN", "1") != "0":
        from competencies.privacy import preload_before_fork

        server.log.info("Loading the privacy scan's lists before forking the workers")
        preload_before_fork()

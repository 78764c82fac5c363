"""Fixtures shared by the test modules."""

import shutil

import pytest


@pytest.fixture(scope="session")
def spark():
    """One Spark ``local[2]`` session for every module of a test process (a JVM start
    costs tens of seconds); skipped without pyspark or Java (``make java-deps``)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (make java-deps)")
    from shrinkage.distributed.engines.spark_blocks import spark_session

    session = spark_session("local[2]", config={
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2",
        "spark.driver.memory": "1g", "spark.ui.showConsoleProgress": "false",
    })  # fmt: skip
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()

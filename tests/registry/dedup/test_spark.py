"""The Spark backend: the same settings and model give the same clusters as DuckDB.

Needs ``pyspark`` (the ``spark`` extra) and Java; skipped without them. A local Spark with one
core on a small registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from resettle.registry.dedup.features import registry_rows
from resettle.registry.dedup.linkage import deduplicate
from resettle.registry.dedup.records import Backend
from resettle.simulation.duplicates import generate_registry_with_duplicates

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    from splink.backends.spark import similarity_jar_location

    session = (
        pyspark_sql.SparkSession.builder.master("local[1]").appName("resettle-dedup-test")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _partition(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for person, cluster in clusters.items():
        groups.setdefault(cluster, set()).add(person)
    return {frozenset(members) for members in groups.values()}


def test_spark_gives_the_duckdb_clusters(spark: Any) -> None:
    registry = generate_registry_with_duplicates(5, 400)
    rows = list(registry_rows(registry.cases))
    on_duckdb = deduplicate(rows, seed=1)
    on_spark = deduplicate(rows, model=on_duckdb.model, backend=Backend.SPARK, spark=spark)
    assert len(on_duckdb.groups()) >= 10
    assert _partition(on_spark.clusters) == _partition(on_duckdb.clusters)
    pairs_duckdb = {(p.left_id, p.right_id): round(p.match_probability, 6)
                    for p in on_duckdb.pairs}
    pairs_spark = {(p.left_id, p.right_id): round(p.match_probability, 6) for p in on_spark.pairs}
    assert pairs_spark.keys() == pairs_duckdb.keys()

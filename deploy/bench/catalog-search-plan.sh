#!/usr/bin/env bash
# Shows that guide search (CAT-9) is indexed, not a table scan: loads 100 000 published item
# versions with Chinese names into a separate database of the local cluster, then prints
# EXPLAIN ANALYZE of the query the service runs for a keyword, a keyword plus department,
# and a department alone.
#
#   deploy/bench/catalog-search-plan.sh [COUNT]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
count=${1:-100000}
export HALL_PG_PORT=${HALL_PG_PORT:-55432}
export HALL_DB_NAME=hall_plan
deploy/local-postgres.sh start >/dev/null 2>&1
secrets=.hall/postgres/secrets
swift build -c release --product hall-catalog >/dev/null
bin=$(swift build -c release --show-bin-path)
HALL_DB_PORT=$HALL_PG_PORT HALL_DB_NAME=hall_plan HALL_DB_PASSWORD_FILE=$secrets/hall_catalog.password \
  HALL_TOKEN_PUBLIC_KEY=$(head -c 32 /dev/zero | base64) HALL_LOG_LEVEL=warning \
  "$bin/hall-catalog" --migrate-only

psql_catalog() {
  PGPASSWORD=$(cat $secrets/hall_catalog.password) psql -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$HALL_PG_PORT" -U hall_catalog -d hall_plan "$@"
}

psql_catalog <<SQL
TRUNCATE item_versions, item_names, items CASCADE;
INSERT INTO departments (id, name, region_code, level, created_by)
SELECT 'dept-' || d, '部门' || d, '410902', 4, 'plan' FROM generate_series(1, 60) d
ON CONFLICT DO NOTHING;
CREATE TEMP TABLE fragments (i int, a text, b text);
INSERT INTO fragments
SELECT i, (ARRAY['开办','设立','变更','注销','延续','补办','核发','认定','备案','审批'])[1 + i % 10],
  (ARRAY['餐馆','饭店','食品','药品','诊所','学校','道路','建筑','消防','卫生','农药','养老',
         '旅馆','危险化学品','烟草','广告','出版','电影','林木','水利'])[1 + (i / 10) % 20]
FROM generate_series(1, $count) i;
INSERT INTO items (code, state, latest_version, updated_by)
SELECT 'P-' || i, 2, 1, 'plan' FROM fragments;
INSERT INTO item_versions (item_code, version, body, name, search_text, search_grams,
  department_id, kind, levels, channels, statutory_days, promised_days, max_visits, placement,
  cancels, effective_day, published_by)
SELECT 'P-' || i, 1, '\x'::bytea, n, n,
  ARRAY(SELECT DISTINCT g FROM (
      SELECT substr(n, k, 1) AS g FROM generate_series(1, length(n)) k
      UNION SELECT substr(n, k, 2) FROM generate_series(1, length(n) - 1) k) grams ORDER BY g),
  'dept-' || (1 + i % 60), 1, ARRAY[4]::smallint[], ARRAY[1,2,3]::smallint[], 20, 5, 1, 1,
  false, 20000, 'plan'
FROM (SELECT i, a || b || '许可第' || i || '号' AS n FROM fragments) named;
ANALYZE departments, items, item_versions;
SQL

query() { # extra-conditions extra-binds
  cat <<SQL
PREPARE search(int, text, text[], text, text, int) AS
SELECT v.body, d.name FROM item_versions v JOIN departments d ON d.id = v.department_id
WHERE v.effective_day <= \$1 AND NOT v.cancels AND v.item_code > \$2
  AND NOT EXISTS (SELECT 1 FROM item_versions n WHERE n.item_code = v.item_code
    AND n.effective_day <= \$1 AND (n.effective_day, n.version) > (v.effective_day, v.version))
  $1
ORDER BY v.item_code LIMIT \$6;
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search($2);
DEALLOCATE search;
SQL
}
today=$(( $(date +%s) / 86400 ))
echo "== $count item versions; keyword 餐馆"
psql_catalog -c "SELECT 1" >/dev/null
query "AND v.search_grams @> \$3 AND v.search_text LIKE \$4 AND (\$5 = '' OR true)" \
  "$today, '', '{餐馆}', '%餐馆%', '', 21" | psql_catalog
echo "== keyword 餐馆 and department dept-7"
query "AND v.search_grams @> \$3 AND v.search_text LIKE \$4 AND v.department_id = \$5" \
  "$today, '', '{餐馆}', '%餐馆%', 'dept-7', 21" | psql_catalog
echo "== department dept-7 alone"
query "AND v.department_id = \$5 AND (\$3::text[] IS NOT NULL OR \$4 IS NOT NULL)" \
  "$today, '', '{}', '', 'dept-7', 21" | psql_catalog
echo "== a rare keyword: 第4242号"
query "AND v.search_grams @> \$3 AND v.search_text LIKE \$4 AND (\$5 = '' OR true)" \
  "$today, '', '{第4,42,24,2号}', '%第4242号%', '', 21" | psql_catalog

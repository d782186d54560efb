-- What happened to every input record of the latest run, by outcome and reason.
SELECT outcome, coalesce(reason, '') AS reason, count(*) AS records
FROM ingest_records
WHERE run_id = (SELECT max(id) FROM ingest_runs)
GROUP BY outcome, reason
ORDER BY records DESC;

-- One acceptance at the window as the database alone would do it, for `hall-bench intake`:
-- the case row written once with its two outbox rows (received, accepted) and the
-- sequencer's wake-up, in one transaction. :size is the stored size of an accepted case.
SELECT nextval('bench_case_seq') AS n \gset
BEGIN;
INSERT INTO bench_cases (case_number, state, open, item_code, department_id, hall_id,
  applicant_id, agent_id, application_id, updated_at, body)
VALUES ('PG-' || :n, 3, true, 'BENCH-001', 'bench-scjg', 'bench-hall', '410102199003071230',
  '', '', now(), convert_to(repeat('x', :size), 'UTF8'));
INSERT INTO bench_outbox (event_type, aggregate_id, payload_type, payload)
VALUES ('intake.case.received', 'PG-' || :n, 'hall.intake.v1.Case',
    convert_to(repeat('x', :size), 'UTF8')),
  ('intake.case.accepted', 'PG-' || :n, 'hall.intake.v1.Case',
    convert_to(repeat('y', :size), 'UTF8'));
SELECT pg_notify('bench_outbox_appended', '');
END;

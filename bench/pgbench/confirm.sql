-- One confirm_session per transaction, each on a different session held beforehand.
SELECT c.status FROM bench.held AS h, api.confirm_session(h.staff_id, h.session_id) AS c WHERE h.n = (SELECT nextval('bench.held_seq'));

-- seating._plan_bound: at most how many bookings of a batch any assignment can seat, in the
-- model of seating._plan_batch (its arguments); a plan that seats this many is an optimum, so
-- the search stops there. Pure.
--
-- The relaxation. Booking i needs, over each segment s of its window, at least m_i tables of its
-- own (m_i: the fewest tables of any of its candidates, 1 .. p_width), taken among cap(s), the
-- tables that some booking over s could use. It forgets which tables: the bookings seated over
-- s need only sum(m_i) <= cap(s). The bound is the floor of this relaxation's linear programme
--   maximise sum(y_i)  subject to  sum over i covering s of m_i * y_i <= cap(s),  0 <= y_i <= 1,
-- which is never below its integer optimum, so never below the batch's optimum.
--
-- How it is solved, exactly. With z_i = m_i * y_i units for booking i, each worth 1 / m_i, the
-- constraint rows are intervals of segments (consecutive ones), so the programme is a min-cost
-- flow, as for interval scheduling on k machines (Arkin & Silverberg, Scheduling jobs with fixed
-- start and end times, Discrete Applied Mathematics 18, 1987): nodes are the segment bounds
-- 1 .. p_segments + 1; booking i sends its units forward from lo_i to hi_i + 1 and they come back over each segment s it spans through a
-- capacity arc s + 1 -> s of capacity cap(s), so no segment carries more than cap(s). Start
-- with every booking fully seated (z_i = m_i) and pay for the excess: route it back from hi_i + 1
-- to lo_i at least cost, over capacity arcs (free) or by unseating units of bookings (1 / m_i
-- each, scaled by lcm(1 .. p_width) to integers). Successive shortest paths: first, by earliest
-- end, each booking whose window still has room for it goes back over the capacity arcs (a
-- free path, so a shortest one; this is the greedy, and it leaves only the overflow); then
-- Bellman-Ford from every node with excess left, scanning nodes from the last down (arcs of
-- the start run backwards in time), to the nearest node with a deficit. Segments no booking
-- covers cut time into parts that share no arc (one per day of a long range): each part is
-- solved on its own, so the cost grows with the days, not their square.
-- The linear optimum is then (bookings with a candidate) - (least cost) / lcm. Past p_budget
-- arcs scanned (an evening booked many times over: each unit of overflow is one search) it
-- stops with a looser bound that is still valid (see there). cap(s) comes
-- from a difference array per table (+1 where a booking naming it starts, -1 after it ends),
-- so long windows cost no more than short ones.
-- With every m_i = 1 this is per segment "no more bookings than usable tables", whose
-- programme is integral; counting m_i makes the bound reach the optimum on 26 of 40 bench
-- evenings of 40 bookings against 17 (bench/notes.md).
CREATE OR REPLACE FUNCTION seating._plan_bound(
    p_seg_lo integer[], p_seg_hi integer[], p_cand_first integer[], p_cand_last integer[],
    p_cand_tables integer[], p_width integer, p_tables integer, p_segments integer,
    p_budget integer DEFAULT 200000)
RETURNS integer
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_n integer := cardinality(p_seg_lo);
    v_cap integer[] := array_fill(0, ARRAY[greatest(p_segments, 1)]);
    -- per table and segment bound, +1 where a booking naming the table starts, -1 after it ends
    v_cover integer[] := array_fill(0, ARRAY[greatest((p_segments + 1) * p_tables, 1)]);
    v_seen integer[] := array_fill(0, ARRAY[greatest(p_tables, 1)]);  -- the last booking that named table t
    v_sizes integer[] := seating._plan_candidate_sizes(p_cand_tables, p_width);
    v_need integer[] := array_fill(0, ARRAY[greatest(v_n, 1)]);  -- m_i; 0: no candidate
    v_scale integer := 1;
    v_count integer := 0;
    -- the network on nodes 1 .. p_segments + 1: capacity arc s + 1 -> s is 2s - 1, booking i's
    -- arc hi_i + 1 -> lo_i is 2(p_segments + i) - 1; each arc's residual twin is the next one
    v_arcs integer := 2 * (p_segments + v_n);
    v_from integer[] := array_fill(0, ARRAY[greatest(v_arcs, 1)]);
    v_to integer[] := array_fill(0, ARRAY[greatest(v_arcs, 1)]);
    v_room integer[] := array_fill(0, ARRAY[greatest(v_arcs, 1)]);
    v_cost integer[] := array_fill(0, ARRAY[greatest(v_arcs, 1)]);
    v_head integer[] := array_fill(0, ARRAY[p_segments + 1]);
    v_next integer[] := array_fill(0, ARRAY[greatest(v_arcs, 1)]);
    v_excess integer[] := array_fill(0, ARRAY[p_segments + 1]);  -- > 0: to send back; < 0: to receive
    v_dist integer[];
    v_via integer[];
    v_changed boolean;
    v_fits boolean;
    v_paid bigint := 0;
    v_flow integer;
    v_naming integer;  -- the bookings over a segment that name a table
    v_t integer;
    v_e integer;
    v_u integer;
    v_first integer;
    v_last integer;
    v_sink integer;
    v_source integer;
    v_i integer;
    v_scans integer := 0;  -- arcs looked at by the shortest-path searches
    v_inf constant integer := 1000000000;
BEGIN
    FOR v_k IN 2 .. p_width LOOP
        v_scale := lcm(v_scale, v_k);
    END LOOP;
    FOR v_i IN 1 .. v_n LOOP
        FOR v_c IN p_cand_first[v_i] .. p_cand_last[v_i] LOOP
            FOR v_o IN 1 .. p_width LOOP
                v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
                EXIT WHEN v_t = 0;
                CONTINUE WHEN v_seen[v_t] = v_i;
                v_seen[v_t] := v_i;
                v_cover[(v_t - 1) * (p_segments + 1) + p_seg_lo[v_i]] := v_cover[(v_t - 1) * (p_segments + 1) + p_seg_lo[v_i]] + 1;
                v_cover[(v_t - 1) * (p_segments + 1) + p_seg_hi[v_i] + 1] := v_cover[(v_t - 1) * (p_segments + 1) + p_seg_hi[v_i] + 1] - 1;
            END LOOP;
            IF v_need[v_i] = 0 OR v_sizes[v_c] < v_need[v_i] THEN
                v_need[v_i] := v_sizes[v_c];
            END IF;
        END LOOP;
    END LOOP;
    FOR v_table IN 1 .. p_tables LOOP
        v_naming := 0;
        FOR v_s IN 1 .. p_segments LOOP
            v_naming := v_naming + v_cover[(v_table - 1) * (p_segments + 1) + v_s];
            IF v_naming > 0 THEN
                v_cap[v_s] := v_cap[v_s] + 1;
            END IF;
        END LOOP;
    END LOOP;

    FOR v_s IN 1 .. p_segments LOOP
        v_from[2 * v_s - 1] := v_s + 1;
        v_to[2 * v_s - 1] := v_s;
        v_room[2 * v_s - 1] := v_cap[v_s];
        v_from[2 * v_s] := v_s;
        v_to[2 * v_s] := v_s + 1;
    END LOOP;
    FOR v_i IN 1 .. v_n LOOP
        CONTINUE WHEN v_need[v_i] = 0;
        v_count := v_count + 1;
        v_e := 2 * (p_segments + v_i) - 1;
        v_from[v_e] := p_seg_hi[v_i] + 1;
        v_to[v_e] := p_seg_lo[v_i];
        v_room[v_e] := v_need[v_i];
        v_cost[v_e] := v_scale / v_need[v_i];
        v_from[v_e + 1] := p_seg_lo[v_i];
        v_to[v_e + 1] := p_seg_hi[v_i] + 1;
        v_cost[v_e + 1] := -(v_scale / v_need[v_i]);
        v_excess[p_seg_hi[v_i] + 1] := v_excess[p_seg_hi[v_i] + 1] + v_need[v_i];
        v_excess[p_seg_lo[v_i]] := v_excess[p_seg_lo[v_i]] - v_need[v_i];
    END LOOP;
    FOR v_a IN 1 .. v_arcs LOOP
        CONTINUE WHEN v_from[v_a] = 0 OR (v_a <= 2 * p_segments AND v_cap[(v_a + 1) / 2] = 0);
        v_next[v_a] := v_head[v_from[v_a]];
        v_head[v_from[v_a]] := v_a;
    END LOOP;

    -- the free paths: by earliest end, a booking whose window has room for it goes back over it
    FOR v_i IN SELECT i FROM generate_series(1, v_n) AS i WHERE v_need[i] > 0 ORDER BY p_seg_hi[i], i LOOP
        v_fits := true;
        FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
            IF v_room[2 * v_s - 1] < v_need[v_i] THEN
                v_fits := false;
                EXIT;
            END IF;
        END LOOP;
        CONTINUE WHEN NOT v_fits;
        FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
            v_room[2 * v_s - 1] := v_room[2 * v_s - 1] - v_need[v_i];
            v_room[2 * v_s] := v_room[2 * v_s] + v_need[v_i];
        END LOOP;
        v_excess[p_seg_hi[v_i] + 1] := v_excess[p_seg_hi[v_i] + 1] - v_need[v_i];
        v_excess[p_seg_lo[v_i]] := v_excess[p_seg_lo[v_i]] + v_need[v_i];
    END LOOP;

    -- the overflow, part by part (a part: segments first .. last, all usable; nodes first .. last + 1)
    v_dist := array_fill(v_inf, ARRAY[p_segments + 1]);
    v_via := array_fill(0, ARRAY[p_segments + 1]);
    v_last := 0;
    LOOP
        v_first := v_last + 1;
        WHILE v_first <= p_segments AND v_cap[v_first] = 0 LOOP
            v_first := v_first + 1;
        END LOOP;
        EXIT WHEN v_first > p_segments;
        v_last := v_first;
        WHILE v_last < p_segments AND v_cap[v_last + 1] > 0 LOOP
            v_last := v_last + 1;
        END LOOP;
        LOOP
            -- shortest paths from every node with excess left
            v_changed := false;
            FOR v_v IN v_first .. v_last + 1 LOOP
                v_dist[v_v] := CASE WHEN v_excess[v_v] > 0 THEN 0 ELSE v_inf END;
                v_via[v_v] := 0;
                v_changed := v_changed OR v_excess[v_v] > 0;
            END LOOP;
            EXIT WHEN NOT v_changed;
            WHILE v_changed LOOP
                v_changed := false;
                FOR v_v IN REVERSE v_last + 1 .. v_first LOOP
                    CONTINUE WHEN v_dist[v_v] = v_inf;
                    v_e := v_head[v_v];
                    WHILE v_e > 0 LOOP
                        v_scans := v_scans + 1;
                        IF v_room[v_e] > 0 AND v_dist[v_v] + v_cost[v_e] < v_dist[v_to[v_e]] THEN
                            v_dist[v_to[v_e]] := v_dist[v_v] + v_cost[v_e];
                            v_via[v_to[v_e]] := v_e;
                            v_changed := true;
                        END IF;
                        v_e := v_next[v_e];
                    END LOOP;
                END LOOP;
            END LOOP;
            -- to the nearest deficit (every excess has a path back: its booking's own arc)
            v_sink := 0;
            FOR v_v IN v_first .. v_last + 1 LOOP
                IF v_excess[v_v] < 0 AND v_dist[v_v] < v_inf AND (v_sink = 0 OR v_dist[v_v] < v_dist[v_sink]) THEN
                    v_sink := v_v;
                END IF;
            END LOOP;
            IF v_sink = 0 THEN
                -- cannot happen (unseating every booking is a feasible flow, so some deficit is
                -- always reachable); should it, the number of bookings is still a bound
                RETURN v_count;
            END IF;
            v_flow := -v_excess[v_sink];
            v_u := v_sink;
            WHILE v_via[v_u] > 0 LOOP
                v_flow := least(v_flow, v_room[v_via[v_u]]);
                v_u := v_from[v_via[v_u]];
            END LOOP;
            v_source := v_u;
            v_flow := least(v_flow, v_excess[v_source]);
            v_u := v_sink;
            WHILE v_via[v_u] > 0 LOOP
                v_e := v_via[v_u];
                v_room[v_e] := v_room[v_e] - v_flow;
                v_room[v_e + CASE WHEN v_e % 2 = 1 THEN 1 ELSE -1 END] :=
                    v_room[v_e + CASE WHEN v_e % 2 = 1 THEN 1 ELSE -1 END] + v_flow;
                v_u := v_from[v_e];
            END LOOP;
            v_excess[v_source] := v_excess[v_source] - v_flow;
            v_excess[v_sink] := v_excess[v_sink] + v_flow;
            v_paid := v_paid + v_flow::bigint * v_dist[v_sink];
            IF v_scans > p_budget THEN
                -- out of budget (an evening booked many times over): successive shortest paths
                -- never get shorter, so each unit left in this part costs at least this one's
                -- path, and the parts not yet solved at least nothing; still a bound, if looser
                v_paid := v_paid + v_dist[v_sink]::bigint
                          * (SELECT coalesce(sum(x), 0) FROM unnest(v_excess[v_first : v_last + 1]) AS x WHERE x > 0);
                RETURN v_count - ((v_paid + v_scale - 1) / v_scale)::integer;
            END IF;
        END LOOP;
    END LOOP;
    -- floor(count - paid / scale)
    RETURN v_count - ((v_paid + v_scale - 1) / v_scale)::integer;
END;
$$;

COMMENT ON FUNCTION seating._plan_bound(integer[], integer[], integer[], integer[], integer[], integer, integer, integer, integer) IS
    'Batch plan: an upper bound on the bookings any assignment seats (the floor of a linear relaxation: per segment, the seated bookings'' least table counts within the usable tables; solved exactly as a min-cost flow). Pure.';
REVOKE ALL ON FUNCTION seating._plan_bound(integer[], integer[], integer[], integer[], integer[], integer, integer, integer, integer) FROM PUBLIC;

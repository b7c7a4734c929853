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
-- start and end times, Discrete Applied Mathematics 18, 1987): nodes are the segment bounds 1 .. p_segments + 1; booking i sends its
-- units forward from lo_i to hi_i + 1 and they come back over each segment s it spans through a
-- capacity arc s + 1 -> s of capacity cap(s), so no segment carries more than cap(s). Start
-- with every booking fully seated (z_i = m_i) and pay for the excess: route it back from hi_i + 1
-- to lo_i at least cost, over capacity arcs (free) or by unseating units of bookings (1 / m_i
-- each, scaled by lcm(1 .. p_width) to integers). Successive shortest paths with Bellman-Ford,
-- scanning nodes from the last down, since every arc of the start runs backwards in time.
-- The linear optimum is then (bookings with a candidate) - (least cost) / lcm.
-- With every m_i = 1 this is per segment "no more bookings than usable tables", whose
-- programme is integral; counting m_i makes the bound reach the optimum on 26 of 40 bench
-- evenings of 40 bookings against 17 (bench/notes.md).
CREATE OR REPLACE FUNCTION seating._plan_bound(
    p_seg_lo integer[], p_seg_hi integer[], p_cand_first integer[], p_cand_last integer[],
    p_cand_tables integer[], p_width integer, p_tables integer, p_segments integer)
RETURNS integer
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_n integer := cardinality(p_seg_lo);
    v_cap integer[] := array_fill(0, ARRAY[greatest(p_segments, 1)]);
    v_usable boolean[] := array_fill(false, ARRAY[greatest(p_segments * p_tables, 1)]);
    v_seen integer[] := array_fill(0, ARRAY[greatest(p_tables, 1)]);  -- the last booking that named table t
    v_need integer[] := array_fill(0, ARRAY[greatest(cardinality(p_seg_lo), 1)]);  -- m_i; 0: no candidate
    v_scale integer := 1;
    v_count integer := 0;
    -- the flow network: nodes 1 .. p_segments + 1, source p_segments + 2, sink p_segments + 3;
    -- arc e and its residual twin are 2k - 1 and 2k
    v_source integer := p_segments + 2;
    v_sink integer := p_segments + 3;
    v_excess integer[] := array_fill(0, ARRAY[p_segments + 3]);
    v_from integer[] := '{}';
    v_to integer[] := '{}';
    v_room integer[] := '{}';
    v_cost integer[] := '{}';
    v_head integer[] := array_fill(0, ARRAY[p_segments + 3]);
    v_next integer[];
    v_dist integer[];
    v_via integer[];
    v_changed boolean;
    v_left integer := 0;  -- excess still to route
    v_paid bigint := 0;
    v_flow integer;
    v_tables_used integer;
    v_t integer;
    v_e integer;
    v_u integer;
    v_inf constant integer := 1000000000;
BEGIN
    FOR v_k IN 2 .. p_width LOOP
        v_scale := lcm(v_scale, v_k);
    END LOOP;
    FOR v_i IN 1 .. v_n LOOP
        FOR v_c IN p_cand_first[v_i] .. p_cand_last[v_i] LOOP
            v_tables_used := 0;
            FOR v_o IN 1 .. p_width LOOP
                v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
                EXIT WHEN v_t = 0;
                v_tables_used := v_tables_used + 1;
                CONTINUE WHEN v_seen[v_t] = v_i;
                v_seen[v_t] := v_i;
                FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
                    IF NOT v_usable[(v_s - 1) * p_tables + v_t] THEN
                        v_usable[(v_s - 1) * p_tables + v_t] := true;
                        v_cap[v_s] := v_cap[v_s] + 1;
                    END IF;
                END LOOP;
            END LOOP;
            IF v_need[v_i] = 0 OR v_tables_used < v_need[v_i] THEN
                v_need[v_i] := v_tables_used;
            END IF;
        END LOOP;
    END LOOP;

    -- the arcs (from, to, capacity, cost per unit), each followed by its residual twin
    FOR v_s IN 1 .. p_segments LOOP
        CONTINUE WHEN v_cap[v_s] = 0;
        v_from := v_from || ARRAY[v_s + 1, v_s];
        v_to := v_to || ARRAY[v_s, v_s + 1];
        v_room := v_room || ARRAY[v_cap[v_s], 0];
        v_cost := v_cost || ARRAY[0, 0];
    END LOOP;
    FOR v_i IN 1 .. v_n LOOP
        CONTINUE WHEN v_need[v_i] = 0;
        v_count := v_count + 1;
        v_from := v_from || ARRAY[p_seg_hi[v_i] + 1, p_seg_lo[v_i]];
        v_to := v_to || ARRAY[p_seg_lo[v_i], p_seg_hi[v_i] + 1];
        v_room := v_room || ARRAY[v_need[v_i], 0];
        v_cost := v_cost || ARRAY[v_scale / v_need[v_i], -(v_scale / v_need[v_i])];
        v_excess[p_seg_hi[v_i] + 1] := v_excess[p_seg_hi[v_i] + 1] + v_need[v_i];
        v_excess[p_seg_lo[v_i]] := v_excess[p_seg_lo[v_i]] - v_need[v_i];
    END LOOP;
    FOR v_v IN 1 .. p_segments + 1 LOOP
        CONTINUE WHEN v_excess[v_v] = 0;
        IF v_excess[v_v] > 0 THEN
            v_from := v_from || ARRAY[v_source, v_v];
            v_to := v_to || ARRAY[v_v, v_source];
            v_left := v_left + v_excess[v_v];
        ELSE
            v_from := v_from || ARRAY[v_v, v_sink];
            v_to := v_to || ARRAY[v_sink, v_v];
        END IF;
        v_room := v_room || ARRAY[abs(v_excess[v_v]), 0];
        v_cost := v_cost || ARRAY[0, 0];
    END LOOP;
    v_next := array_fill(0, ARRAY[greatest(cardinality(v_from), 1)]);
    FOR v_a IN 1 .. cardinality(v_from) LOOP
        v_next[v_a] := v_head[v_from[v_a]];
        v_head[v_from[v_a]] := v_a;
    END LOOP;

    -- successive shortest paths from the excess to the deficits
    WHILE v_left > 0 LOOP
        v_dist := array_fill(v_inf, ARRAY[p_segments + 3]);
        v_via := array_fill(0, ARRAY[p_segments + 3]);
        v_dist[v_source] := 0;
        LOOP
            v_changed := false;
            FOR v_k IN 0 .. p_segments + 1 LOOP
                v_u := CASE WHEN v_k = 0 THEN v_source ELSE p_segments + 2 - v_k END;
                CONTINUE WHEN v_dist[v_u] = v_inf;
                v_e := v_head[v_u];
                WHILE v_e > 0 LOOP
                    IF v_room[v_e] > 0 AND v_dist[v_u] + v_cost[v_e] < v_dist[v_to[v_e]] THEN
                        v_dist[v_to[v_e]] := v_dist[v_u] + v_cost[v_e];
                        v_via[v_to[v_e]] := v_e;
                        v_changed := true;
                    END IF;
                    v_e := v_next[v_e];
                END LOOP;
            END LOOP;
            EXIT WHEN NOT v_changed;
        END LOOP;
        v_flow := v_left;
        v_u := v_sink;
        WHILE v_u <> v_source LOOP
            v_flow := least(v_flow, v_room[v_via[v_u]]);
            v_u := v_from[v_via[v_u]];
        END LOOP;
        v_u := v_sink;
        WHILE v_u <> v_source LOOP
            v_e := v_via[v_u];
            v_room[v_e] := v_room[v_e] - v_flow;
            v_room[v_e + CASE WHEN v_e % 2 = 1 THEN 1 ELSE -1 END] :=
                v_room[v_e + CASE WHEN v_e % 2 = 1 THEN 1 ELSE -1 END] + v_flow;
            v_u := v_from[v_e];
        END LOOP;
        v_paid := v_paid + v_flow::bigint * v_dist[v_sink];
        v_left := v_left - v_flow;
    END LOOP;
    -- floor(count - paid / scale)
    RETURN v_count - ((v_paid + v_scale - 1) / v_scale)::integer;
END;
$$;

COMMENT ON FUNCTION seating._plan_bound(integer[], integer[], integer[], integer[], integer[], integer, integer, integer) IS
    'Batch plan: an upper bound on the bookings any assignment seats (the floor of a linear relaxation: per segment, the seated bookings'' least table counts within the usable tables; solved exactly as a min-cost flow). Pure.';
REVOKE ALL ON FUNCTION seating._plan_bound(integer[], integer[], integer[], integer[], integer[], integer, integer, integer) FROM PUBLIC;

-- Per-kiosk sync high-water mark (issue 4): the highest seq such that every seq 1..high_seq of the
-- kiosk is stored. It replaces a window query over all of a kiosk's events on every POST /v1/sync,
-- and lets retention prune old events without the answer going backwards. A kiosk with no row yet
-- starts from 0 and catches up from its stored events on its next sync.
CREATE TABLE kiosk_sync_state (
  kiosk_id uuid PRIMARY KEY REFERENCES kiosks(id),
  high_seq integer NOT NULL CHECK (high_seq >= 0),
  updated_at timestamptz NOT NULL
);

-- Operator view of kiosk events that need a person (flagged or quarantined by the kiosk).
CREATE INDEX kiosk_events_flagged ON kiosk_events (kiosk_id, seq) WHERE flagged IS NOT NULL;
-- Retention scans by receive time.
CREATE INDEX kiosk_events_received ON kiosk_events (received_at);

-- The trace a request's span was exported in (W3C trace id, 32 hex digits), so the request log links to Langfuse.
ALTER TABLE request_log ADD COLUMN trace_id TEXT;

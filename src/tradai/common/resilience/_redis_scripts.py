"""Lua scripts that make each breaker-state operation atomic in Redis.

One hash per breaker: ``state`` (``closed``/``open``/``half_open``), ``gen``,
``failures``, ``opened_at`` and ``probe_until`` (seconds of the store's wall clock, sent
as ``ARGV`` so a test clock works). A missing hash is a closed breaker at generation 0.
Floats travel as strings (Redis truncates Lua numbers in replies). Every write refreshes
the key's TTL so breakers that are no longer used disappear.

Replies: ``ADMIT`` → ``{allowed, probe, gen, state, failures, remaining, old_state}``
(``old_state`` is ``""`` unless the call changed the state); the others →
``{new_state, old_state}`` with ``old_state`` ``""`` when nothing changed.
"""

from __future__ import annotations

__all__ = ["ADMIT", "FAILURE", "FORCE_OPEN", "RELEASE", "RESET", "SUCCESS"]

_READ = """
local key = KEYS[1]
local h = redis.call('HMGET', key, 'state', 'gen', 'failures', 'opened_at', 'probe_until')
local state = h[1] or 'closed'
local gen = tonumber(h[2] or '0')
local failures = tonumber(h[3] or '0')
"""

ADMIT = (
    _READ
    + """
local now = tonumber(ARGV[1])
local recovery = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
if state == 'closed' then
  return {1, 0, gen, state, failures, '0', ''}
end
local old = ''
if state == 'open' then
  local remaining = tonumber(h[4] or '0') + recovery - now
  if remaining > 0 then
    return {0, 0, gen, state, failures, tostring(remaining), ''}
  end
  old = 'open'
  state = 'half_open'
else
  local probe_until = tonumber(h[5] or '0')
  if probe_until > now then
    return {0, 0, gen, state, failures, tostring(probe_until - now), ''}
  end
end
gen = gen + 1
redis.call('HSET', key, 'state', state, 'gen', gen, 'probe_until', tostring(now + lease))
redis.call('EXPIRE', key, ttl)
return {1, 1, gen, state, failures, '0', old}
"""
)

FAILURE = (
    _READ
    + """
local now = ARGV[1]
local threshold = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
if gen ~= tonumber(ARGV[2]) or state == 'open' then
  return {state, ''}
end
failures = failures + 1
if state == 'closed' and failures < threshold then
  redis.call('HSET', key, 'failures', failures)
  redis.call('EXPIRE', key, ttl)
  return {state, ''}
end
redis.call('HSET', key, 'state', 'open', 'gen', gen + 1, 'failures', failures,
  'opened_at', now, 'probe_until', '0')
redis.call('EXPIRE', key, ttl)
return {'open', state}
"""
)

SUCCESS = (
    _READ
    + """
local ttl = tonumber(ARGV[2])
if gen ~= tonumber(ARGV[1]) then
  return {state, ''}
end
if state == 'half_open' then
  redis.call('HSET', key, 'state', 'closed', 'gen', gen + 1, 'failures', 0, 'probe_until', '0')
  redis.call('EXPIRE', key, ttl)
  return {'closed', 'half_open'}
end
if state == 'closed' and failures > 0 then
  redis.call('HSET', key, 'failures', 0)
  redis.call('EXPIRE', key, ttl)
end
return {state, ''}
"""
)

RELEASE = (
    _READ
    + """
if state == 'half_open' and gen == tonumber(ARGV[1]) then
  redis.call('HSET', key, 'probe_until', '0')
end
return {state, ''}
"""
)

RESET = (
    _READ
    + """
local ttl = tonumber(ARGV[1])
redis.call('HSET', key, 'state', 'closed', 'gen', gen + 1, 'failures', 0, 'probe_until', '0')
redis.call('EXPIRE', key, ttl)
if state == 'closed' then
  return {'closed', ''}
end
return {'closed', state}
"""
)

FORCE_OPEN = (
    _READ
    + """
local now = ARGV[1]
local ttl = tonumber(ARGV[2])
redis.call('HSET', key, 'state', 'open', 'gen', gen + 1, 'opened_at', now, 'probe_until', '0')
redis.call('EXPIRE', key, ttl)
if state == 'open' then
  return {'open', ''}
end
return {'open', state}
"""
)

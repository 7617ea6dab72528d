// Settings that live in the page's address, so that a link can open an explorer in the exact
// case it discusses. Each setting has an initial value and a parser that returns null for a
// value it does not take; only what differs from the initial value is written to the address.

export function readSettings(spec, search) {
  const params = new URLSearchParams(search);
  const values = {};
  for (const [name, {initial, parse}] of Object.entries(spec)) {
    const raw = params.get(name);
    const parsed = raw === null ? null : parse(raw);
    values[name] = parsed === null ? initial : parsed;
  }
  return values;
}

// The query string for `values`, keeping any other parameters of `search`.
export function writeSettings(spec, values, search) {
  const params = new URLSearchParams(search);
  for (const [name, {initial}] of Object.entries(spec)) {
    if (String(values[name]) === String(initial)) params.delete(name);
    else params.set(name, String(values[name]));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function integer(min, max) {
  return (raw) => {
    const value = Number(raw);
    return raw !== '' && Number.isInteger(value) && value >= min && value <= max ? value : null;
  };
}

export function decimal(min, max) {
  return (raw) => {
    const value = Number(raw);
    return raw !== '' && Number.isFinite(value) && value >= min && value <= max ? value : null;
  };
}

export function oneOf(options) {
  return (raw) => (options.includes(raw) ? raw : null);
}

// A vendored SDK: excluded by settings.scan.exclude, so the key below is not a reference.
export function isFeatureEnabled(key, user) { return lookup(key, user); }
export const example = () => isFeatureEnabled("express-shipping", {});

#!/usr/bin/env bash
# Builds examples/history/: a small git repository whose flags.yaml has the history
# the README's `stale`, `check`, `diff`, `history`, `new` and `remove` examples show
# (a flag launched and one turned off long ago, an expired and an expiring flag, a
# flag snoozed twice, a rollout lowered, a flag added and one removed).
#
# Deterministic: fixed authors, dates and messages, and none of the user's git
# configuration, so every run gives the same commits (the same shas). Idempotent: the
# directory is deleted and rebuilt on every run. Needs only git.
#
#   bash examples/make-history.sh [DIR]     # default: examples/history (gitignored)
#
# Its "today" is 2026-06-01: run the examples with `--now 2026-06-01`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-$here/history}
shown=${1:-examples/history}

# Ignore the user's and the system's git configuration (signing, hooks, templates,
# default branch): only what is set below applies.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export TZ=UTC LC_ALL=C

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
git init -q -b main --template= .
git config user.name "Example"
git config user.email "example@example.org"
git config commit.gpgsign false

# commit DATE AUTHOR MESSAGE: commits every change in the directory as AUTHOR on DATE.
commit() {
    local when="$1T10:00:00+00:00"
    git add -A
    GIT_AUTHOR_NAME="$2" GIT_AUTHOR_EMAIL="$(echo "$2" | tr 'A-Z' 'a-z')@example.org" \
        GIT_AUTHOR_DATE="$when" GIT_COMMITTER_NAME="$2" \
        GIT_COMMITTER_EMAIL="$(echo "$2" | tr 'A-Z' 'a-z')@example.org" \
        GIT_COMMITTER_DATE="$when" git commit -q -m "$3"
}

# flags TEXT: writes flags.yaml as the settings below followed by TEXT (the flags).
flags() {
    cat > flags.yaml <<'EOF'
version: 1
settings:
  service: storefront
  lifetimes: { release: 90d, experiment: 60d }
  launched_after: 30d
  scan:
    paths: [src]
flags:
EOF
    cat >> flags.yaml
}

mkdir -p src
cat > src/checkout.ts <<'EOF'
import { isEnabled } from './flags';

export function checkout(user: User) {
  const label = isEnabled('launched-flag', user) ? 'Pay now' : 'Checkout';
  if (isEnabled('dead-flag', user)) {
    return legacyCheckout(user, label);
  }
  return newCheckout(user, label);
}
EOF

launched='  launched-flag:
    description: One-page checkout
    type: release
    owner: checkout
    expires: 2026-07-15'
dead='  dead-flag:
    description: The old checkout, kept as a fallback
    type: release
    owner: checkout
    created: 2026-04-02
    expires: 2026-06-30'
expired='  expired-flag:
    description: Retry failed card payments
    type: release
    owner: payments
    created: 2026-04-02
    expires: 2026-05-31
    rollout: 25'
ramp='  ramp:
    description: New fraud scoring
    type: release
    owner: payments
    created: 2026-04-02
    expires: 2026-06-30'
ramp_envs='    environments:
      production: { rollout: 20 }'
banner='  old-banner:
    description: Spring sale banner
    type: operational
    owner: web
    created: 2026-04-02'
snoozed='  snoozed-flag:
    description: Faster search index
    type: release
    owner: search
    created: 2026-05-12'
expiring='  expiring-flag:
    description: Compare two product page layouts
    type: experiment
    owner: web
    created: 2026-05-14
    expires: 2026-06-04
    off: list
    variants:
      list: { value: list, weight: 50 }
      grid: { value: grid, weight: 50 }'

flags <<EOF
$launched
    rollout: 50
$dead
$expired
$ramp
    rollout: 50
$ramp_envs
$banner
EOF
commit 2026-04-02 Alice "Add flags.yaml"

flags <<EOF
$launched
$dead
$expired
$ramp
    rollout: 50
$ramp_envs
$banner
EOF
commit 2026-04-22 Alice "Roll launched-flag out to everyone"

flags <<EOF
$launched
$dead
    enabled: false
$expired
$ramp
    rollout: 50
$ramp_envs
$banner
EOF
commit 2026-04-27 Bob "Turn dead-flag off"

# Every flag as of 2026-05-12, before snoozed-flag's expiry starts moving.
before_snooze="$launched
$dead
    enabled: false
$expired
$ramp
    rollout: 50
$ramp_envs
$banner"

flags <<EOF
$before_snooze
$snoozed
    expires: 2026-06-11
EOF
commit 2026-05-12 Carol "Add snoozed-flag"

flags <<EOF
$before_snooze
$snoozed
    expires: 2026-06-11
$expiring
EOF
commit 2026-05-14 Bob "Add expiring-flag"

flags <<EOF
$before_snooze
$snoozed
    expires: 2026-06-21
$expiring
EOF
commit 2026-05-17 Carol "Snooze snoozed-flag"

flags <<EOF
$before_snooze
$snoozed
    expires: 2026-07-01
$expiring
EOF
commit 2026-05-22 Carol "Snooze snoozed-flag again"

flags <<EOF
$launched
$dead
    enabled: false
$expired
$ramp
    rollout: 30
$ramp_envs
$snoozed
    expires: 2026-07-01
$expiring
  fresh-flag:
    description: Gift cards at checkout
    type: release
    owner: checkout
    created: 2026-05-27
    expires: 2026-08-25
    rollout: 10
EOF
commit 2026-05-27 Bob "Lower the ramp rollout, add fresh-flag, retire old-banner"

echo "built $(git rev-list --count HEAD) commits in $shown"

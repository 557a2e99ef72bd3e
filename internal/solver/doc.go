// Package solver decides what to install, upgrade and remove: given the
// installed packages, the feeds and a request, it finds the installed set
// that meets every rule and changes least, or says why there is none. It is
// pure: it sees the world through Universe (installed packages, packages by
// name, providers of a name), like cmd/go's mvs sees modules through Reqs,
// and returns a Plan or an *Unsatisfiable. Reading feeds, the status file
// and pkginfo records is the engine's job.
//
// # Why a SAT core
//
// opkg decides greedily: for each dependency it takes the first alternative
// with a candidate and never goes back, so it fails whenever the first choice
// conflicts later, and it filters candidates in ways that end in misleading
// errors (opkg-compat.md §6.1). A complete answer needs search with
// backtracking. Two designs were weighed in a spike: PubGrub (Dart's pub,
// uv) and CDCL SAT (libsolv's approach, and opkg's libsolv backend).
// PubGrub's strength is its explanation of version ranges, but it assumes
// one version per name chosen by ranges and has no natural place for what
// opkg has beyond that: virtual names with several providers, versioned
// Provides, Conflicts on virtual names, Replaces taking the place of an
// installed package, ABI-versioned library names side by side, and an
// installed set to change as little as possible. Those are all plain
// clauses over one boolean per package version, and "change as little as
// possible" is optimisation over the same clauses. So the core is a small
// CDCL solver (sat.go, under 500 lines, no dependencies): two watched literals,
// first-UIP clause learning, VSIDS-ordered decisions with a fixed preferred
// phase (do not install, keep what is installed), geometric restarts, solving
// under assumptions with the failed-assumption set as the unsat core, and a
// totalizer for "at most k of these". It is incremental: the optimisation
// below adds clauses between solves and keeps what was learnt. Package
// problems are easy for CDCL (few real conflicts; most work is propagation),
// so speed comes from loading only what is reachable: on this project's
// 2-core machine, planning the install of each of the 4,543 packages of the
// OpenWrt 23.05 arm_cortex-a9 feeds takes a median of 62 µs (99th
// percentile 0.7 ms), and into a real device's 380 installed packages a
// median of 1.5 ms (99th percentile 5.3 ms), optimisation and explanations
// included (BenchmarkInstallEach, BenchmarkInstallEachIntoDevice).
//
// # Encoding
//
// Only the reachable part of the universe is loaded (DESIGN.md §6): the
// installed packages, the requested names, and, breadth first, every name
// a loadable candidate's Depends, Pre-Depends or Recommends mention, with the
// providers of each such name. A package nothing leads to is never part of
// a plan. One variable per candidate (name, version, architecture); an
// installed record and a feed record of the same version are one candidate.
//
//   - At most one candidate per name.
//   - A candidate that may not be chosen at all is false: architecture not
//     configured (priority 0, unless installed), excluded (--add-exclude),
//     another version of a held package (unless --force-hold), older than the
//     installed version (unless --force-downgrade).
//   - Depends and Pre-Depends: a chosen candidate implies one of the
//     candidates meeting some alternative. A candidate meets an atom by its
//     name and version, or by a Provides entry: a versioned Provides with the
//     version it names, an unversioned one with the provider's own version, as
//     opkg-lede does (so "libiwinfo (>= 2023-01-21)" is met by
//     libiwinfo20230701). Dependencies of an installed package that the
//     installed set does not meet today are not enforced on it: a request is
//     not to be blocked by breakage it did not cause. With --force-depends
//     each dependency gets a "broken" escape literal (minimised first, listed
//     in Plan.Broken); with --nodeps the packages being installed have none.
//   - Conflicts (any alternative, versioned, on real or virtual names): the
//     two candidates exclude each other. A package never conflicts with its
//     own name nor with itself through a name it provides, so the exclusive
//     virtual idiom "Provides: ip, Conflicts: ip" works.
//   - Requirements behind selector literals (assumptions, so an explanation
//     can find which clash): each requested atom is met; each removed name has
//     no candidate; each installed name keeps some candidate, or is taken over
//     by a chosen package that Replaces and Conflicts with it (unless
//     --force-removal-of-dependent-packages, or --autoremove for an
//     auto-installed package, as libsolv's ALLOWUNINSTALL); a held package
//     keeps its version; an essential package stays (unless forced).
//
// ABI-versioned libraries need nothing special: libfoo20240329 and
// libfoo20250101 are different names, so both may be installed, and a
// dependency on the "libfoo" both provide is met by either.
//
// # Least change
//
// Among the valid sets the solver picks the least one in this lexicographic
// order of penalties (each a count of literals, minimised in turn):
//
//  1. dependencies left broken (--force-depends only);
//  2. installed packages removed that the request did not remove;
//  3. downgrades (--force-downgrade only);
//  4. for packages the request names (install of an installed name without
//     a constraint, upgrade, upgrade-all): newer versions passed over, so
//     the newest that fits wins, then the next (Plan.HeldBack lists those
//     left below the newest);
//  5. installed packages whose version changes without being named;
//  6. Recommends of new or changed packages left unmet;
//  7. new packages;
//  8. relations met only through a provider when a package of the exact
//     name could meet them;
//  9. relations met by a later alternative when the first could;
//  10. packages below the best architecture priority of their name;
//  11. newer versions passed over, for every new or changed package.
//
// Optimisation is linear search per level: take a model, count the level's
// penalties c, ask for at most c-1 through the totalizer, repeat until
// unsatisfiable, then fix the least count and go to the next level. Each
// level is therefore the optimum given the ones before: the lexicographic
// optimum, not a heuristic. The first model is usually optimal already, since
// decisions try "not installed" first, so most levels cost one extra call.
// Ties left after level 11 are broken canonically: walking the candidates
// from the last name to the first, each is left out if the optimum allows.
// The plan therefore depends neither on the order of the feeds nor on the
// order of the requested names. Recommends count only for packages the plan
// installs or changes; Suggests are reported in Plan.Suggested. Autoremove
// runs after the optimum is fixed: auto-installed packages that no package
// left needs or recommends are dropped until none is.
//
// # Failure
//
// When the requirements cannot all hold, the failed assumptions are shrunk to
// a minimal core (each member needed), and the explanation walks from the
// requested package down: for each candidate, why it cannot be chosen
// (rejected and why, a conflict with a package that must stay and who
// requires that one, an installed package whose dependency only another
// version meets), and for each dependency no candidate can meet, what the
// feeds have instead ("the feeds have libbar 1.8 only", "installed kernel
// 5.15.134-1-…, no feed has a match", "no feed has a package called or
// providing it"). Each step is checked with a solve under assumptions, so it
// is a fact, not a guess. *Unsatisfiable keeps opkg-lede's first line for the
// situation (Cannot satisfy the following dependencies for <pkg>: naming the
// deepest package along a single chain, The following packages conflict
// with, Package <p> is depended upon by packages:, Refusing to remove
// essential package) and follows it with the chain, one step per line.
// WhyNot gives the same explanation for a version a plan left out, such as a
// held-back upgrade.
//
// # Checking
//
// Check (check.go) is written separately and simply: it replays a plan on
// the installed set and verifies every rule on the result. Every scenario,
// random and real-data test runs it. The tests also carry a brute-force
// solver that tries every set of a tiny reachable universe, and a fuzz target
// that generates random universes and requests: the solver must find a plan
// exactly when brute force does, with the same penalty vector.
//
// # Limits
//
// The search has a conflict budget (Request.MaxConflicts); running out is a
// *BudgetError, never a wrong answer. opkg's greedy marker "*" (install every
// provider) is read as a plain dependency. Versions are compared, never
// validated: the feeds' records are trusted as parsed.
package solver

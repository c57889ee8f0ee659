#!/usr/bin/env python3
"""Reads `perf script -F comm,tid,ip,sym,dso` of Postern under a load of JWT-SVID issuances (bench/svid/profile.sh) and
splits the samples into parts of the issuance path: each sample goes to the part named by the frame nearest its leaf.
usage: cpu_parts.py PERF_SCRIPT_OUTPUT [CPU_US_PER_ISSUANCE]"""
import re, sys, collections
# (part, regular expression on a frame); the frame nearest the leaf that matches any of them decides. Samples with no
# such frame go to the kernel, the runtime or "other" by their leaf.
MARKERS = [
  ("audit: SQLite write + fsync (writer thread)", r"SqliteBackend|WriteScope|WriteThread|libe_sqlite3|Microsoft\.Data\.Sqlite|SQLitePCL"),
  ("audit: journal write + fdatasync (journal thread)", r"AuditJournal"),
  ("audit: chain link (SHA-256 + column read)", r"AuditChain::|AuditLine::|AuditChainHash"),
  ("audit: event serialization (JsonObject -> UTF-8)", r"AuditEvent::ToUtf8|AuditLog::Prepare|AuditActor::Stamp"),
  ("audit: hand-off (queue, group commit, wake-ups)", r"Postern\.Audit\.AuditLog|ChangeLogBackend|StoreMetrics|AuditMetrics|BatchPuts|AuditItems"),
  ("audit: event fields (Describe)", r"JwtSvidIssuer::Describe"),
  ("token build + sign", r"TokenSigner|JsonWebToken|ECDsa|RSA|libcrypto|SigningCredentials|Base64Url"),
  ("bot credential check", r"BotAuthority|SessionKeys|BotCredentials|IdentityStanding"),
  ("policy + SPIFFE ID template", r"AccessChecker|WorkloadIdentityPolicy|SpiffeId|ClusterState|Template"),
  ("request JSON parse", r"SvidRequest"),
  ("telemetry (span, counter, histogram)", r"SvidTelemetry|System\.Diagnostics\.Metrics|ActivitySource"),
  ("JSON answer", r"JsonResult|HttpResultsHelper|JwtSvidResponse|WorkloadApiJsonContext|Results::Json|JsonHttpResult"),
  ("issuer other", r"JwtSvidIssuer|WorkloadIdentityEndpoints"),
  ("middleware (back pressure, app proxy, authentication, routing, rate limiter, DI)", r"AuditBackPressure|AppProxy|AuthenticationMiddleware|EndpointRoutingMiddleware|EndpointMiddleware|RateLimit|TrustedProxies|DependencyInjection|RequestDelegateFactory|lambda_method"),
  ("HTTP/Kestrel + sockets", r"Kestrel|System\.Net\.Sockets|HostingApplication|Microsoft\.AspNetCore|System\.IO\.Pipelines"),
  ("thread pool waiting (spin, yield, park)", r"LowLevelLifoSemaphore|LowLevelSpinWaiter|PortableThreadPool|WorkerThread"),
]
COMPILED = [(p, re.compile(r)) for p, r in MARKERS]

def parts_of(stack, comm):
    if comm.startswith(".NET Tiered Com"):
        return "JIT: tiered compilation still at work (warm-up not over)"
    for frame in stack:  # leaf first
        for part, rx in COMPILED:
            if rx.search(frame):
                return part
    if comm.startswith("sqlite writer"):
        return "audit: SQLite write + fsync (writer thread)"
    if comm.startswith("audit journal"):
        return "audit: journal write + fdatasync (journal thread)"
    leaf = stack[0] if stack else ""
    if "kallsyms" in leaf:
        return "kernel, unattributed (context switches, interrupts)"
    if "libcoreclr" in leaf or "libclrjit" in leaf:
        return "runtime, unattributed (GC, JIT, stubs)"
    return "other, unattributed"

def main(path, per_issuance=None):
    counts = collections.Counter()
    comm, stack = None, []
    total = 0
    def flush():
        nonlocal total
        if comm is not None:
            counts[parts_of(stack, comm)] += 1
            total += 1
    for line in open(path, errors="replace"):
        if not line.strip():
            flush(); comm, stack = None, []; continue
        if not line.startswith((" ", "\t")):
            flush(); comm, stack = line.rsplit(" ", 2)[0].strip(), []
        else:
            stack.append(line.strip())
    flush()
    for part, n in counts.most_common():
        share = n / total
        us = f"{share * per_issuance:6.1f} µs" if per_issuance else ""
        print(f"  {100.0 * share:5.1f} % {us}  {part}")
    print(f"  ({total} samples)")

if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else None)

// The control plane alone, driven through its stores as agents drive it, with no object copied:
//   throughput <sqlite|postgres> [workers] [objects]
//       one lister appends segments of 1,000 listed objects (listing rows ingested/s); then K
//       workers, each a store of its own as each agent is, claim every segment (claims/s); then
//       each works the segments it claimed: reads the pending objects and records their outcomes
//       in batches of OUTCOME_BATCH (512, the agent's group-commit limit) and completes the
//       segment (outcomes/s).
//   status <sqlite|postgres> [objects]
//       two tasks whose journals hold 2,000 and that many objects, written directly with SQL, then
//       the time of a status of each (median of 21, alternately) and of the journal count a status
//       made before it had counters (median of 5).
// PostgreSQL: MSPMIGRATION_BENCH_PG (a connection string; password from PGPASSWORD), a fresh
// schema per run. SQLite: a file under BENCH_DIR (default /tmp).
using System.Diagnostics;
using MspMigration;
using MspMigration.Bench;
using MspMigration.Engine.ControlPlane;

var mode = args.ElementAtOrDefault(0);
var kind = args.ElementAtOrDefault(1);
if (mode is not ("throughput" or "status") || kind is not ("sqlite" or "postgres"))
{
    Console.Error.WriteLine("usage: ControlPlaneBench throughput <sqlite|postgres> [workers] [objects] | status <sqlite|postgres> [objects]");
    return 2;
}
using var db = BenchDatabase.Create(kind);
if (mode == "status")
{
    var objects = long.Parse(args.ElementAtOrDefault(2) ?? "1000000");
    await StatusBench.RunAsync(db, objects);
    return 0;
}
var workers = int.Parse(args.ElementAtOrDefault(2) ?? "8");
var count = int.Parse(args.ElementAtOrDefault(3) ?? "200000");
var batch = int.Parse(Environment.GetEnvironmentVariable("OUTCOME_BATCH") ?? "512");
await ThroughputBench.RunAsync(db, workers, count, batch);
return 0;

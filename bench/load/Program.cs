using System.Globalization;
using System.Runtime.InteropServices;
using LuffyBlazor.Load;

// dotnet run -c Release --project bench/load -- [all|notify|checkout|catalogue|pages|soak|storage] [--orders 2000] [--copies 5]
//     [--learners 200] [--concurrency 64] [--seconds 20] [--warmup 20] [--provider sqlite|postgres] [--instances 1]
var scenario = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
int Option(string name, int fallback) =>
    Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
var (orders, copies, learners, concurrency, seconds, instances) =
    (Option("orders", 2000), Option("copies", 5), Option("learners", 200), Option("concurrency", 64), Option("seconds", 20), Option("instances", 1));
// The JIT optimizes hot code in the background (tiered compilation, dynamic PGO); on a saturated 2-core machine
// that takes tens of seconds, so each scenario first runs its own traffic this long and measures the steady state.
// --warmup 0 measures a cold start instead.
var warmup = TimeSpan.FromSeconds(Option("warmup", 20));
var onPostgres = Array.IndexOf(args, "--provider") is var p and >= 0 && p + 1 < args.Length && args[p + 1].Equals("postgres", StringComparison.OrdinalIgnoreCase);
if (scenario is not ("all" or "notify" or "checkout" or "catalogue" or "pages" or "soak" or "storage"))
{
    Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: all, notify, checkout, catalogue, pages, soak, storage.");
    return 2;
}

var root = FindRepositoryRoot();
if (scenario == "storage")
{
    // dotnet run -c Release --project bench/load -- storage [--mb 2048]: memory while a large video is uploaded and migrated.
    return await StorageMemory.RunAsync(root, Option("mb", 2048) * 1024L * 1024);
}

Console.WriteLine($"Starting {instances} instance(s) of the app (Release, Production settings) on {(onPostgres ? "a throwaway PostgreSQL" : "SQLite")} ...");
await using var app = await LoadEnvironment.StartAsync(root, onPostgres, instances, concurrency);
var scenarios = new Scenarios(app, concurrency);
var results = new List<(LoadResult Result, double Target)>();

// The app's CPU time spent on a scenario, per request it served.
async Task<LoadResult> Measured(Func<Task<LoadResult>> run)
{
    var before = app.CpuTime;
    var result = await run();
    return result with { AppCpuMicrosecondsPerRequest = (app.CpuTime - before).TotalMicroseconds / Math.Max(1, result.Requests) };
}
var startSet = app.WorkingSetBytes;
Console.WriteLine($"App at {string.Join(", ", app.Instances.Select(i => i.BaseUrl))} on {app.Provider}; working set {startSet / 1048576.0:N0} MB. " +
    $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; {concurrency} concurrent requests.");

if (scenario is "all" or "notify")
{
    Console.WriteLine($"notify storm: {orders} orders × {copies} copies, plus forged and wrong-amount notifies (after warming up)");
    await WarmUpAsync(() => scenarios.NotifyStormAsync(1000, copies));
    results.Add((await Measured(() => scenarios.NotifyStormAsync(orders, copies)), 3_000));
}

if (scenario is "all" or "checkout")
{
    Console.WriteLine($"checkout: {learners} learners with JWTs, one order per course each (after warming up)");
    await WarmUpAsync(() => scenarios.CheckoutAsync(50));
    results.Add((await Measured(() => scenarios.CheckoutAsync(learners)), 1_500));
}

if (scenario is "all" or "catalogue")
{
    Console.WriteLine($"catalogue: anonymous reads, {seconds} s each");
    await WarmUpAsync(() => scenarios.CatalogueAsync("warm-up", "/api/v1/course/?page=1&size=10", TimeSpan.FromSeconds(1)));
    results.Add((await Measured(() => scenarios.CatalogueAsync("catalogue API GET /api/v1/course/", "/api/v1/course/?page=1&size=10", TimeSpan.FromSeconds(seconds))), 10_000));
}

if (scenario is "all" or "catalogue" or "pages")
{
    // The shop's pages as an anonymous visitor gets them (static server rendering, output-cached since issue 20).
    Console.WriteLine($"pages: anonymous page views, {seconds} s each");
    await WarmUpAsync(() => scenarios.CatalogueAsync("warm-up", "/", TimeSpan.FromSeconds(1)));
    results.Add((await Measured(() => scenarios.CatalogueAsync("catalogue page GET /", "/", TimeSpan.FromSeconds(seconds))), 0));
    await WarmUpAsync(() => scenarios.CatalogueAsync("warm-up", "/course/1", TimeSpan.FromSeconds(1)));
    results.Add((await Measured(() => scenarios.CatalogueAsync("course page GET /course/1", "/course/1", TimeSpan.FromSeconds(seconds))), 0));
}

if (scenario == "soak")
{
    // Every kind of traffic in turn for 60 s, checks included, so whatever a request leaves behind would show here.
    Console.WriteLine("soak: 60 s of rounds of notifies, checkouts and page reads; the app's working set after each round");
    async Task SoakRoundAsync()
    {
        await scenarios.NotifyStormAsync(500, copies);
        await scenarios.CheckoutAsync(20);
        await scenarios.CatalogueAsync("soak GET /", "/", TimeSpan.FromSeconds(2));
    }

    await WarmUpAsync(SoakRoundAsync);
    var settled = app.WorkingSetBytes;
    var sizes = new List<long>();
    var soakClock = System.Diagnostics.Stopwatch.StartNew();
    while (soakClock.Elapsed < TimeSpan.FromSeconds(60))
    {
        await SoakRoundAsync();
        sizes.Add(app.WorkingSetBytes);
    }

    Console.WriteLine($"  working set after warm-up {settled / 1048576.0:N0} MB; after each of {sizes.Count} rounds (MB): " +
        string.Join(", ", sizes.Select(b => (b / 1048576.0).ToString("N0", CultureInfo.InvariantCulture))));
}

var endSet = app.WorkingSetBytes;
if (results.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | app CPU µs/request | target |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    foreach (var (result, target) in results)
    {
        Console.WriteLine(result.Row(target));
    }
}

Console.WriteLine();
Console.WriteLine($"App working set: {startSet / 1048576.0:N0} MB at start, {endSet / 1048576.0:N0} MB at the end.");
if (scenarios.Failures.Count > 0 || results.Any(r => r.Result.Errors > 0))
{
    Console.WriteLine("FAILED: " + string.Join("; ", scenarios.Failures.Concat(results.Where(r => r.Result.Errors > 0).Select(r => $"{r.Result.Name}: {r.Result.Errors} errors"))));
    return 1;
}

return 0;

// Repeats a scenario's own round (checks included) until the warm-up time has passed; at least once, so the
// scenario's paths have all run before they are measured.
async Task WarmUpAsync(Func<Task> round)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var rounds = 0;
    do
    {
        await round();
        rounds++;
    }
    while (clock.Elapsed < warmup);
    Console.WriteLine($"  warm-up: {rounds} round(s) in {clock.Elapsed.TotalSeconds:0} s; measuring");
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "LuffyBlazor.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository: LuffyBlazor.sln not found.");
}

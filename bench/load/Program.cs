using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LuffyBlazor.Load;

// dotnet run -c Release --project bench/load -- [all|payments|first-payments|duplicates|notify|mixed|checkout|catalogue|pages|soak|storage]
//     [--orders N] [--copies 5] [--learners 200] [--concurrency 64] [--seconds 20] [--warmup 20]
//     [--provider sqlite|postgres] [--instances 1] [--app-setting NAME=VALUE ...] [--environment Production|Development] [--client dotnet|node|node-http|both|all]
//     pages [--paths /,/course/1]
//     circuits [--levels 25,50,100,200,400,800] [--think 5] [--click-seconds 10] [--kinds grid,island,wechat] [--hold 0]
string[] known = ["all", "payments", "first-payments", "duplicates", "notify", "mixed", "checkout", "catalogue", "pages", "soak", "storage", "circuits"];
var scenario = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
int Option(string name, int fallback) =>
    Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
string Text(string name, string fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var (copies, learners, concurrency, seconds, instances) =
    (Option("copies", 5), Option("learners", 200), Option("concurrency", 64), Option("seconds", 20), Option("instances", 1));
// First payments are one request per order: 10,000 of them make a run of a few seconds, as 2,000 × 5 copies do.
int Orders(int fallback) => Option("orders", fallback);
// The JIT optimizes hot code in the background (tiered compilation, dynamic PGO); on a saturated 2-core machine
// that takes tens of seconds, so each scenario first runs its own traffic this long and measures the steady state.
// --warmup 0 measures a cold start instead.
var warmup = TimeSpan.FromSeconds(Option("warmup", 20));
var onPostgres = Text("provider", "sqlite").Equals("postgres", StringComparison.OrdinalIgnoreCase);
var environmentName = Text("environment", "Production");
// node: bench/peer/storm.mjs on raw sockets (its default); node-http: the same script on node:http's agent, which
// costs the shared cores several times more CPU per request (bench/README "The independent client's own CPU").
var clientNames = Text("client", "dotnet") switch
{
    "both" => new[] { "dotnet", "node" },
    "all" => ["dotnet", "node", "node-http"],
    var list => list.Split(','),
};
if (!known.Contains(scenario) || environmentName is not ("Production" or "Development") || clientNames.Any(c => c is not ("dotnet" or "node" or "node-http")))
{
    Console.Error.WriteLine($"Unknown scenario, environment or client. Scenarios: {string.Join(", ", known)}; --environment Production|Development; --client dotnet|node|node-http|both|all (or a comma list).");
    return 2;
}

var root = FindRepositoryRoot();
if (scenario == "storage")
{
    // dotnet run -c Release --project bench/load -- storage [--mb 2048]: memory while a large video is uploaded and migrated.
    return await StorageMemory.RunAsync(root, Option("mb", 2048) * 1024L * 1024);
}

Console.WriteLine($"Starting {instances} instance(s) of the app (Release, {environmentName} settings) on {(onPostgres ? "a throwaway PostgreSQL" : "SQLite")} ...");
// --app-setting NAME=VALUE (repeatable): a setting or environment variable for the app only, e.g. DOTNET_gcServer=0
// to compare the GC modes without changing this tool's own (bench/README "Workstation or Server GC").
var appSettings = new Dictionary<string, string>(scenario == "circuits" ? LuffyBlazor.Load.Circuits.CircuitCapacity.Settings : []);
for (var i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--app-setting" && args[i + 1].Split('=', 2) is [var name, var value])
    {
        appSettings[name] = value;
    }
}

await using var app = await LoadEnvironment.StartAsync(root, onPostgres, instances, concurrency, appSettings, environmentName);
var scenarios = new Scenarios(app, concurrency);
var clients = clientNames.Select(c => new MeasuredClient(
        c == "dotnet" ? scenarios.Dotnet : new NodeClient(app, concurrency, root, c == "node" ? "raw" : "http"), () => app.CpuTime))
    .ToList<ILoadClient>();
var results = new List<(LoadResult Result, double Target)>();
var start = warmup > TimeSpan.Zero ? "warm" : "cold";

// The app's CPU time per request and the client's. A round sent by a client (MeasuredClient) brings both, taken
// around its requests only; for the scenarios without one (catalogue, pages, mixed, soak) they cover the whole scenario.
async Task<LoadResult> Measured(Func<Task<LoadResult>> run)
{
    var (before, own) = (app.CpuTime, MeasuredClient.OwnCpu());
    var result = await run();
    if (result.AppCpuMicrosecondsPerRequest > 0)
    {
        return result;
    }

    var requests = Math.Max(1, result.Requests);
    return result with
    {
        AppCpuMicrosecondsPerRequest = (app.CpuTime - before).TotalMicroseconds / requests,
        ClientCpuMicrosecondsPerRequest = result.ClientCpuMicrosecondsPerRequest > 0
            ? result.ClientCpuMicrosecondsPerRequest
            : (MeasuredClient.OwnCpu() - own).TotalMicroseconds / requests,
    };
}

// Warms up (unless cold), then measures the same round with each client in turn.
async Task MeasureEachClientAsync(string what, Func<ILoadClient, Task<LoadResult>> round, Func<Task> warmUpRound, double target)
{
    Console.WriteLine(what);
    await WarmUpAsync(warmUpRound);
    foreach (var client in clients)
    {
        results.Add((await Measured(() => round(client)), target));
    }
}
var startSet = app.WorkingSetBytes;
Console.WriteLine($"App at {string.Join(", ", app.Instances.Select(i => i.BaseUrl))} on {app.Provider}; working set {startSet / 1048576.0:N0} MB. " +
    $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; {concurrency} concurrent requests.");

if (scenario is "payments" or "first-payments")
{
    var orders = Orders(10_000);
    await MeasureEachClientAsync($"first payments: {orders} orders, one notify each, no duplicates",
        c => scenarios.FirstPaymentsAsync(orders, c), () => scenarios.FirstPaymentsAsync(2_000), 3_000);
}

if (scenario is "all" or "mixed")
{
    // Alipay and WeChat Pay notifies racing for the same kind of orders: exactly once across both providers.
    var orders = Orders(2_000);
    Console.WriteLine($"mixed providers: {orders} orders, half Alipay and half WeChat Pay, × {copies} copies, plus forged and wrong-amount notifies of both");
    await WarmUpAsync(() => scenarios.MixedNotifyStormAsync(500, copies));
    results.Add((await Measured(() => scenarios.MixedNotifyStormAsync(orders, copies)), 0));
}

if (scenario is "payments" or "duplicates")
{
    var orders = Orders(2_000);
    await MeasureEachClientAsync($"duplicates: {orders} paid orders × {copies} more copies of their notify",
        c => scenarios.DuplicatesAsync(orders, copies, c), () => scenarios.DuplicatesAsync(1_000, copies), 3_000);
}

if (scenario is "all" or "payments" or "notify")
{
    var orders = Orders(2_000);
    await MeasureEachClientAsync($"notify storm (mixed): {orders} orders × {copies} copies, plus forged and wrong-amount notifies",
        c => scenarios.NotifyStormAsync(orders, copies, c), () => scenarios.NotifyStormAsync(1_000, copies), 3_000);
}

if (scenario is "all" or "payments" or "checkout")
{
    await MeasureEachClientAsync($"checkout: {learners} learners with JWTs, one order per course each",
        c => scenarios.CheckoutAsync(learners, c), () => scenarios.CheckoutAsync(50), 2_500);
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
    // --paths: other anonymous pages instead, e.g. /Account/AccessDenied, which no cache serves (rendered every time).
    (string Name, string Path)[] pages = Text("paths", "") is { Length: > 0 } paths
        ? paths.Split(',').Select(p => ($"page GET {p}", p)).ToArray()
        : [("catalogue page GET /", "/"), ("course page GET /course/1", "/course/1")];
    foreach (var (name, path) in pages)
    {
        await WarmUpAsync(() => scenarios.CatalogueAsync("warm-up", path, TimeSpan.FromSeconds(1)));
        foreach (var client in clientNames)
        {
            // --client node: bench/peer/pages.mjs GETs the page from Node against the same app process.
            results.Add((await Measured(() => client != "dotnet"
                ? NodePages.RunAsync(root, app.Instances[0].BaseUrl, name, path, TimeSpan.FromSeconds(seconds), concurrency)
                : scenarios.CatalogueAsync(name, path, TimeSpan.FromSeconds(seconds))), 0));
        }
    }
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

if (scenario == "circuits")
{
    // Real Blazor Server circuits ramped level by level: memory per circuit and a click's latency (bench/README.md).
    var levels = Text("levels", "25,50,100,200,400,800").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
    Console.WriteLine($"circuits: levels {string.Join(", ", levels)}; each grid clicks its sort header every {Option("think", 5)} s for {Option("click-seconds", 10)} s");
    var kinds = Text("kinds", "grid,island,wechat").Split(',');
    var capacity = new LuffyBlazor.Load.Circuits.CircuitCapacity(app, levels, TimeSpan.FromSeconds(Option("click-seconds", 10)), TimeSpan.FromSeconds(Option("think", 5)), kinds,
        TimeSpan.FromSeconds(Option("hold", 0)));
    await capacity.RunAsync();
    Console.WriteLine();
    Console.WriteLine(LuffyBlazor.Load.Circuits.CircuitCapacity.Header);
    capacity.Rows.ForEach(Console.WriteLine);
    scenarios.Failures.AddRange(capacity.Failures);
}

var endSet = app.WorkingSetBytes;
if (results.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine(LoadResult.Header);
    foreach (var (result, target) in results)
    {
        Console.WriteLine(result.Row(target, environmentName, start));
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
// scenario's paths have all run before they are measured. None at all for a cold start (--warmup 0).
async Task WarmUpAsync(Func<Task> round)
{
    if (warmup == TimeSpan.Zero)
    {
        Console.WriteLine("  no warm-up: measuring a cold start");
        return;
    }

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

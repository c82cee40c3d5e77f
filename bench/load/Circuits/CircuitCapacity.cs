using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Orders;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Load.Circuits;

/// <summary>
/// How many interactive circuits the app holds, and what each costs: N real circuits (<see cref="BlazorCircuit"/>)
/// on the admin orders grid (an admin signed in), on the pay-success island and on the WeChat QR page's island (a
/// learner's unpaid Alipay and WeChat order), ramped level by level; <c>kinds</c> picks some of them (grid, island,
/// wechat). At each level: the app's working set after a full GC, less the level-0 figure, per circuit; and
/// on the grid, the latency of a click (the sort header: a server query and a re-render) while every circuit clicks
/// once per think time. Also checks that an anonymous visitor's pages carry nothing to open a circuit for.
/// </summary>
public sealed partial class CircuitCapacity(LoadEnvironment app, IReadOnlyList<int> levels, TimeSpan measureFor, TimeSpan think, IReadOnlyCollection<string> kindNames, TimeSpan hold = default)
{
    public const string AdminName = "benchadmin", AdminPassword = "bench-admin-2026", LearnerPassword = "bench-learner-2026";

    /// <summary>What the app must start with: an admin account the scenario signs in with.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Admin:UserName"] = AdminName,
        ["Admin:Email"] = "benchadmin@luffy.example.com",
        ["Admin:Password"] = AdminPassword,
    };

    private const string SortTarget = "sort";
    private static readonly Func<RenderedElement, string?> GridTargets = e => e.Class?.Contains("sortable-column-header", StringComparison.Ordinal) == true ? SortTarget : null;

    public List<string> Failures { get; } = [];
    public List<string> Rows { get; } = [];

    public async Task RunAsync()
    {
        var instance = app.Instances[0];
        var (admin, adminHttp) = await SignInAsync(AdminName, AdminPassword);
        var learner = await LearnerWithUnpaidOrdersAsync();
        var (learnerCookies, learnerHttp) = await SignInAsync(learner.UserName, LearnerPassword);
        await SeedGridAsync();

        foreach (var page in new[] { "/", "/course/1" })
        {
            var html = await app.Clients[0].GetStringAsync(page);
            Check(!html.Contains("<!--Blazor:{", StringComparison.Ordinal) && !html.Contains("\"type\":\"server\"", StringComparison.Ordinal),
                $"an anonymous visitor's {page} carries no interactive component: the browser opens no circuit for it");
        }

        var kinds = new (string Key, string Name, HttpClient Http, CookieContainer Cookies, string Page, bool Clicks)[]
        {
            ("grid", "admin orders grid", adminHttp, admin, "/admin/orders", true),
            ("island", "pay-success island (PaymentWait)", learnerHttp, learnerCookies, "/pay/success?out_trade_no=" + learner.AlipayOrder, false),
            ("wechat", "WeChat QR page's island (WeChatPaymentWait)", learnerHttp, learnerCookies, "/pay/wechat/" + learner.WeChatOrder, false),
        }.Where(k => kindNames.Contains(k.Key)).ToArray();

        if (kinds.Length > 1)
        {
            // Measured 2026-12-04: 800 islands after the grids in one app read -84 KB a circuit of private memory.
            Console.WriteLine("  note: memory a kind's circuits free stays with the process and the next kind's grow into it; the working set " +
                "and private figures of every kind after the first read low. For those, run one kind per app (bench/run-page-figures.sh does).");
        }

        if (kinds.Any(k => k.Key == "wechat"))
        {
            var page = await learnerHttp.GetStringAsync("/pay/wechat/" + learner.WeChatOrder);
            Check(page.Contains("class=\"payment-qr\"", StringComparison.Ordinal), "the WeChat page shows a QR code (WeChat's Native answer reached the app)");
        }

        // One circuit of each kind opened, clicked and closed first, so level 0 includes the JIT's code and caches.
        foreach (var kind in kinds)
        {
            await using var warm = await BlazorCircuit.OpenAsync(kind.Http, kind.Cookies, instance.BaseUrl, kind.Page, GridTargets);
            if (kind.Clicks)
            {
                Check(await warm.WaitForTargetAsync(SortTarget, TimeSpan.FromSeconds(30)), $"the {kind.Name} renders a sortable column header to click");
                await warm.ClickAsync(SortTarget);
            }
        }

        foreach (var kind in kinds)
        {
            // Level 0 just before each kind: the app after the warm circuits (and the previous kind's) are gone.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var zero = await AppMemory.AfterFullGcAsync(instance);
            Console.WriteLine($"  {kind.Name}, level 0: GC heap {zero.GcHeapBytes / 1048576.0:N1} MB, working set {zero.WorkingSetBytes / 1048576.0:N1} MB (private {zero.PrivateBytes / 1048576.0:N1} MB) after a full GC");
            await HoldAsync(kind.Key, 0);
            var open = new List<BlazorCircuit>();
            var points = new List<(int N, MemoryReading Memory)> { (0, zero) };
            try
            {
                foreach (var level in levels)
                {
                    var clock = Stopwatch.StartNew();
                    open.AddRange(await OpenManyAsync(kind.Http, kind.Cookies, instance.BaseUrl, kind.Page, level - open.Count, kind.Clicks));
                    var openSeconds = clock.Elapsed.TotalSeconds;
                    var failed = open.Count(c => c.Error is not null);
                    Check(failed == 0, $"{kind.Name}: all {level} circuits alive ({failed} failed)");
                    var memory = await AppMemory.AfterFullGcAsync(instance);
                    points.Add((level, memory));
                    await HoldAsync(kind.Key, level);
                    var cpuBefore = app.CpuTime;
                    var latency = kind.Clicks ? await ClickRoundAsync(open) : null;
                    var cpuPerClick = latency is null ? 0 : (app.CpuTime - cpuBefore).TotalMilliseconds / Math.Max(1, latency.Requests);
                    var row = string.Create(CultureInfo.InvariantCulture,
                        $"| {kind.Name} | {level:N0} | {openSeconds:0.0} | {memory.GcHeapBytes / 1048576.0:N1} | {(memory.GcHeapBytes - zero.GcHeapBytes) / 1024.0 / level:N0} | {memory.WorkingSetBytes / 1048576.0:N1} | {(memory.WorkingSetBytes - zero.WorkingSetBytes) / 1024.0 / level:N0} | {(memory.PrivateBytes - zero.PrivateBytes) / 1024.0 / level:N0} | ");
                    row += latency is null ? "— | — | — | — | — |" : string.Create(CultureInfo.InvariantCulture,
                        $"{latency.Requests:N0} ({latency.Errors} failed) | {cpuPerClick:0.0} | {latency.P50:0.0} | {latency.P95:0.0} | {latency.P99:0.0} {(latency.P99 < 100 ? "✓" : "✗")} |");
                    Rows.Add(row);
                    Console.WriteLine("  " + row);
                    if (latency is { P99: >= 100 })
                    {
                        Console.WriteLine($"  {kind.Name}: a click's p99 crossed 100 ms at {level} circuits; no higher level for it");
                        break;
                    }
                }
            }
            finally
            {
                await Task.WhenAll(open.Select(c => c.DisposeAsync().AsTask()));
            }

            if (kind.Key == "wechat")
            {
                // One learner's one order: each page view asks WeChat unless the app reuses the code_url it was given.
                Console.WriteLine($"  {kind.Name}: {app.WeChat.NativeCalls} WeChat Native calls in all ({open.Count} circuits opened, one order)");
            }

            var (heapSlope, setSlope, privateSlope) = (Slope(points, m => m.GcHeapBytes) / 1024, Slope(points, m => m.WorkingSetBytes) / 1024, Slope(points, m => m.PrivateBytes) / 1024);
            Rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {kind.Name}: per circuit, slope over all levels | | | | **{heapSlope:N0}** {(heapSlope <= 150 ? "✓" : "✗")} | | **{setSlope:N0}** {(setSlope <= 150 ? "✓" : "✗")} | **{privateSlope:N0}** {(privateSlope <= 150 ? "✓" : "✗")} | | | | | |"));
        }
    }

    public const string Header =
        "| circuits on | N | s to open | GC heap after full GC, MB | GC heap KB per circuit | working set, MB | working set KB per circuit (target ≤ 150; Microsoft: 273) | private memory KB per circuit (working set less mapped files) | clicks (failed) | app CPU ms per click | click p50 ms | p95 ms | p99 ms (target < 100) |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    // --hold: time to take a heap dump (dotnet-gcdump collect -p PID) of the app as it stands at this level. The app's
    // CPU meanwhile is what the open circuits cost while idle (a waiting page's watch, the circuits' keep-alives).
    private async Task HoldAsync(string kind, int level)
    {
        if (hold > TimeSpan.Zero)
        {
            Console.WriteLine($"  holding {kind} level {level} for {hold.TotalSeconds:0} s: app pid {app.Instances[0].ProcessId}");
            var cpuBefore = app.CpuTime;
            await Task.Delay(hold);
            var cpuPerSecond = (app.CpuTime - cpuBefore).TotalMilliseconds / hold.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {kind} level {level} held: app CPU {cpuPerSecond:0.0} ms per second ({cpuPerSecond * 1000 / Math.Max(1, level):0.0} µs per circuit per second)"));
        }
    }

    // Every circuit clicks the sort header once per think time, starting at a random moment, for the measuring time.
    private async Task<LoadResult> ClickRoundAsync(IReadOnlyList<BlazorCircuit> circuits)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(measureFor.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(circuits.Select(async circuit =>
        {
            await Task.Delay(TimeSpan.FromSeconds(Random.Shared.NextDouble() * think.TotalSeconds));
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await circuit.ClickAsync(SortTarget);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
                {
                    Interlocked.Increment(ref errors);
                }

                var rest = think - Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest);
                }
            }
        }));
        Check(errors == 0, $"every click on {circuits.Count} grids handled ({errors} failed)");
        return LoadResult.FromLatencies("click", errors, clock.Elapsed, latencies);
    }

    // Opened 16 at a time, as many visitors arriving together would.
    private static async Task<List<BlazorCircuit>> OpenManyAsync(HttpClient http, CookieContainer cookies, string baseUrl, string page, int count, bool clicks)
    {
        var opened = new System.Collections.Concurrent.ConcurrentBag<BlazorCircuit>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (_, _) =>
            {
                var circuit = await BlazorCircuit.OpenAsync(http, cookies, baseUrl, page, GridTargets);
                opened.Add(circuit);
                if (clicks && !await circuit.WaitForTargetAsync(SortTarget, TimeSpan.FromSeconds(60)))
                {
                    throw new InvalidOperationException($"{page}: the grid's sort header never rendered ({circuit.Error}).");
                }
            });
        return [.. opened];
    }

    private async Task<(CookieContainer Cookies, HttpClient Http)> SignInAsync(string login, string password)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false, MaxConnectionsPerServer = 16 })
        {
            BaseAddress = new Uri(app.Instances[0].BaseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var form = await http.GetStringAsync("/Account/Login");
        var fields = HiddenInput().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Login"] = login;
        fields["Input.Password"] = password;
        using var answer = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        var signedIn = answer.StatusCode == HttpStatusCode.Redirect && cookies.GetAllCookies().Any(c => c.Name == "luffy.auth");
        if (!signedIn)
        {
            throw new InvalidOperationException($"Signing in as {login} failed: {(int)answer.StatusCode} {answer.Headers.Location}, cookies {string.Join(", ", cookies.GetAllCookies().Select(c => c.Name))}");
        }

        return (cookies, http);
    }

    private async Task<(string UserName, string AlipayOrder, string WeChatOrder)> LearnerWithUnpaidOrdersAsync()
    {
        var learner = (await Seeder.LearnersAsync(app, 1, "circuit"))[0];
        await using (var db = app.OpenDatabase())
        {
            var stored = await db.Users.SingleAsync(u => u.Id == learner.Id);
            stored.PasswordHash = new PasswordHasher<ApplicationUser>().HashPassword(stored, LearnerPassword);
            await db.SaveChangesAsync();
        }

        var courses = await Seeder.CoursesAsync(app);
        var alipay = (await Seeder.UnpaidOrdersAsync(app, [learner], courses, 1))[0];
        var weChat = (await Seeder.UnpaidOrdersAsync(app, [learner], courses, 1, PayType.WeChat))[0];
        return (learner.UserName!, alipay.OutTradeNo, weChat.OutTradeNo);
    }

    // Enough orders for several pages of the grid, so sorting has something to do.
    private async Task SeedGridAsync()
    {
        var courses = await Seeder.CoursesAsync(app);
        var learners = await Seeder.LearnersAsync(app, 200 / courses.Count + 1, "grid");
        await Seeder.UnpaidOrdersAsync(app, learners, courses, 200);
    }

    // Least squares: bytes per circuit, from every level (level 0 included), less sensitive to one noisy reading.
    private static double Slope(List<(int N, MemoryReading Memory)> points, Func<MemoryReading, long> bytes)
    {
        var (meanN, meanBytes) = (points.Average(p => p.N), points.Average(p => (double)bytes(p.Memory)));
        return points.Sum(p => (p.N - meanN) * (bytes(p.Memory) - meanBytes)) / points.Sum(p => (p.N - meanN) * (p.N - meanN));
    }

    private void Check(bool condition, string what)
    {
        Console.WriteLine($"  check: {what}: {(condition ? "ok" : "FAILED")}");
        if (!condition)
        {
            Failures.Add(what);
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();
}

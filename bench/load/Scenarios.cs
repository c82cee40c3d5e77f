using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Load;

/// <summary>The bounded scenarios of bench/README.md, each checking the app's answers and database, not only timing them.</summary>
public sealed class Scenarios(LoadEnvironment app, int concurrency)
{
    private const string NotifyPath = "/api/v1/order/success/";
    private const string Form = "application/x-www-form-urlencoded";

    public List<string> Failures { get; } = [];

    /// <summary>The tool's own client, which also sends every warm-up and preparation.</summary>
    public ILoadClient Dotnet { get; } = new DotnetClient(app, concurrency);

    /// <summary>
    /// The mixed storm: N unpaid orders, then each order's valid notify k times at once, with forged and wrong-amount
    /// notifies for decoy orders mixed in. Afterwards exactly N orders are paid, N courses granted, no decoy paid.
    /// </summary>
    public Task<LoadResult> NotifyStormAsync(int orders, int copies, ILoadClient? client = null) =>
        PaymentsAsync("notify storm (mixed)", orders, copies, decoys: true, paidBefore: false, client ?? Dotnet);

    /// <summary>First payments only: N unpaid orders, one notify each, every one for a different order.</summary>
    public Task<LoadResult> FirstPaymentsAsync(int orders, ILoadClient? client = null) =>
        PaymentsAsync("first payments", orders, 1, decoys: false, paidBefore: false, client ?? Dotnet);

    /// <summary>Duplicates only: N orders paid by a first notify (not measured), then k more copies of each notify.</summary>
    public Task<LoadResult> DuplicatesAsync(int orders, int copies, ILoadClient? client = null) =>
        PaymentsAsync("duplicates of paid orders", orders, copies, decoys: false, paidBefore: true, client ?? Dotnet);

    private async Task<LoadResult> PaymentsAsync(string name, int orders, int copies, bool decoys, bool paidBefore, ILoadClient client)
    {
        var courses = await Seeder.CoursesAsync(app);
        var decoyCount = decoys ? Math.Max(1, orders / 10) : 0;
        var users = await Seeder.LearnersAsync(app, (orders + decoyCount) / courses.Count + 2, "storm");
        var all = await Seeder.UnpaidOrdersAsync(app, users, courses, orders + decoyCount);
        var (real, decoyOrders) = (all.Take(orders).ToList(), all.Skip(orders).ToList());
        using var stranger = RSA.Create(2048);

        var bodies = real.Select(o => Encode(Notify(o, o.TotalAmount, app.AlipayPrivateKey))).ToList();
        var sentBefore = 0;
        if (paidBefore)
        {
            var first = await Dotnet.SendAsync("first notifies", bodies.Select((b, i) => NotifyRequest(i, b, "success")).ToList());
            Check(first.Count("success") == orders, $"{orders} orders paid before their duplicates are sent");
            sentBefore = orders;
        }

        // Copies of one notify sit side by side in the list, so the workers send them at the same moment.
        // With several instances, the copies of one notify go to different instances (round robin), as Alipay's
        // retries would through a load balancer.
        var requests = new List<LoadRequest>();
        void Add(byte[] body, string expected) => requests.Add(NotifyRequest(requests.Count, body, expected));
        for (var i = 0; i < real.Count; i++)
        {
            for (var copy = 0; copy < copies; copy++)
            {
                Add(bodies[i], "success");
            }

            if (i < decoyOrders.Count)
            {
                Add(Encode(Notify(decoyOrders[i], decoyOrders[i].TotalAmount, stranger)), "failure");
                Add(Encode(Notify(decoyOrders[i], decoyOrders[i].TotalAmount + 0.01m, app.AlipayPrivateKey)), "failure");
            }
        }

        var outcome = await client.SendAsync(name, requests);

        await using var db = app.OpenDatabase();
        var realIds = real.Select(o => o.Id).ToList();
        var realNumbers = real.Select(o => o.OutTradeNo).ToList();
        var decoyIds = decoyOrders.Select(o => o.Id).ToList();
        Check(await db.Orders.CountAsync(o => realIds.Contains(o.Id) && o.Status == OrderStatus.Paid) == orders, $"exactly {orders} orders paid");
        Check(await db.CourseOwnerships.CountAsync(x => realIds.Contains(x.OrderId)) == orders, $"exactly {orders} ownership rows");
        Check(await db.OrderStatusChanges.CountAsync(c => realIds.Contains(c.OrderId) && c.To == OrderStatus.Paid) == orders, "one paid history row per order");
        Check(await db.Orders.CountAsync(o => decoyIds.Contains(o.Id) && o.Status != OrderStatus.Unpaid) == 0, "no forged or wrong-amount notify accepted");
        Check(outcome.Count("success") == orders * copies, $"{orders * copies} answers 'success' (got {outcome.Count("success")})");
        var logged = await db.NotifyLogs.CountAsync(l => realNumbers.Contains(l.OutTradeNo!));
        Check(logged == sentBefore + orders * copies, $"a notify log row for each of the {sentBefore + orders * copies} valid notifies (got {logged})");
        return outcome.Result;
    }

    private LoadRequest NotifyRequest(int index, byte[] body, string expected) =>
        new(index % app.Clients.Count, NotifyPath, Form, null, body, expected, null);

    /// <summary>Learners with JWTs placing orders through POST /api/v1/order/pay/; every order priced right and numbered uniquely.</summary>
    public async Task<LoadResult> CheckoutAsync(int learners, ILoadClient? client = null)
    {
        var courses = await Seeder.CoursesAsync(app);
        var users = await Seeder.LearnersAsync(app, learners, "buyer");
        var tokens = new JwtTokenService(Options.Create(new JwtOptions { SigningKey = app.JwtSigningKey }), Options.Create(new Microsoft.AspNetCore.Identity.IdentityOptions()), TimeProvider.System);
        var requests = users.SelectMany(u =>
        {
            var token = tokens.CreateToken(u, []);
            return courses.Select(c => (Token: token, Body: Encoding.UTF8.GetBytes(
                $"{{\"subject\":\"load\",\"total_amount\":\"{c.Price.ToString("0.00", CultureInfo.InvariantCulture)}\",\"pay_type\":1,\"courses\":[{c.Id}]}}")));
        }).OrderBy(_ => Random.Shared.Next())
            .Select((r, i) => new LoadRequest(i % app.Clients.Count, "/api/v1/order/pay/", "application/json", r.Token, r.Body, null, "\"pay_url\":\"http"))
            .ToList();

        var outcome = await (client ?? Dotnet).SendAsync("checkout", requests);
        var numbers = outcome.OutTradeNos;

        await using var db = app.OpenDatabase();
        var userIds = users.Select(u => u.Id).ToList();
        var mispriced = await db.Orders.Where(o => userIds.Contains(o.UserId))
            .CountAsync(o => o.TotalAmount != db.Courses.Where(c => c.Id == o.Details.First().CourseId).Select(c => c.Price).First());
        Check(numbers.Count == requests.Count && numbers.Distinct().Count() == numbers.Count, "every out_trade_no unique");
        Check(await db.Orders.CountAsync(o => userIds.Contains(o.UserId)) == requests.Count, $"{requests.Count} orders stored");
        Check(mispriced == 0, "every order priced from the database");
        return outcome.Result;
    }

    /// <summary>Anonymous reads for a fixed time.</summary>
    public Task<LoadResult> CatalogueAsync(string name, string path, TimeSpan duration) =>
        LoadRunner.RunForAsync(name, duration, concurrency, () => GetOkAsync(path));

    private int reads;

    private async Task<bool> GetOkAsync(string path)
    {
        using var response = await app.ClientFor(Interlocked.Increment(ref reads)).GetAsync(path, HttpCompletionOption.ResponseContentRead);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The notify storm with Alipay and WeChat Pay orders and notifies mixed (<see cref="MixedNotifyStorm"/>).</summary>
    public Task<LoadResult> MixedNotifyStormAsync(int orders, int copies) =>
        new MixedNotifyStorm(app, concurrency, (condition, what) => Check(condition, what)).RunAsync(orders, copies);

    private void Check(bool condition, string what)
    {
        Console.WriteLine($"  check: {what}: {(condition ? "ok" : "FAILED")}");
        if (!condition)
        {
            Failures.Add(what);
        }
    }

    internal static List<KeyValuePair<string, string>> Notify(Order order, decimal amount, RSA key)
    {
        var amountText = amount.ToString("0.00", CultureInfo.InvariantCulture);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("notify_type", "trade_status_sync"), new("notify_id", Guid.NewGuid().ToString("N")), new("notify_time", "2026-11-25 16:31:11"),
            new("charset", "utf-8"), new("version", "1.0"), new("app_id", LoadEnvironment.AppId), new("auth_app_id", LoadEnvironment.AppId),
            new("out_trade_no", order.OutTradeNo), new("trade_no", "2026112522001" + order.OutTradeNo[^15..]), new("trade_status", "TRADE_SUCCESS"),
            new("total_amount", amountText), new("receipt_amount", amountText), new("buyer_pay_amount", amountText), new("invoice_amount", amountText),
            new("point_amount", "0.00"), new("subject", order.Subject), new("seller_id", "2088000000000001"), new("buyer_id", "2088102146225135"),
            new("gmt_create", "2026-11-25 16:30:40"), new("gmt_payment", "2026-11-25 16:31:10"),
            new("fund_bill_list", $"[{{\"amount\":\"{amountText}\",\"fundChannel\":\"ALIPAYACCOUNT\"}}]"),
        };
        fields.Add(new("sign", AlipaySignature.Sign(AlipaySignature.BuildCallbackSignContent(fields, keepSignType: false), key)));
        fields.Add(new("sign_type", "RSA2"));
        return fields;
    }

    internal static byte[] Encode(List<KeyValuePair<string, string>> fields) =>
        Encoding.ASCII.GetBytes(string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value))));
}

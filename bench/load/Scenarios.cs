using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Load;

/// <summary>The three bounded scenarios of bench/README.md, each checking the app's answers, not only timing them.</summary>
public sealed class Scenarios(LoadEnvironment app, int concurrency)
{
    public List<string> Failures { get; } = [];

    /// <summary>
    /// N unpaid orders, then each order's valid notify k times at once, with forged and wrong-amount notifies for
    /// decoy orders mixed in. Afterwards exactly N orders are paid, N courses granted, no decoy paid.
    /// </summary>
    public async Task<LoadResult> NotifyStormAsync(int orders, int copies)
    {
        var courses = await Seeder.CoursesAsync(app);
        var decoyCount = Math.Max(1, orders / 10);
        var users = await Seeder.LearnersAsync(app, (orders + decoyCount) / courses.Count + 2, "storm");
        var all = await Seeder.UnpaidOrdersAsync(app, users, courses, orders + decoyCount);
        var (real, decoys) = (all.Take(orders).ToList(), all.Skip(orders).ToList());
        using var stranger = RSA.Create(2048);

        // Copies of one notify sit side by side in the list, so the workers send them at the same moment.
        // With several instances, the copies of one notify go to different instances (round robin), as Alipay's
        // retries would through a load balancer.
        var requests = new List<(byte[] Body, string Expected, HttpClient Http)>();
        void Add(byte[] body, string expected) => requests.Add((body, expected, app.ClientFor(requests.Count)));
        for (var i = 0; i < real.Count; i++)
        {
            var body = Encode(Notify(real[i], real[i].TotalAmount, app.AlipayPrivateKey));
            for (var copy = 0; copy < copies; copy++)
            {
                Add(body, "success");
            }

            if (i < decoys.Count)
            {
                Add(Encode(Notify(decoys[i], decoys[i].TotalAmount, stranger)), "failure");
                Add(Encode(Notify(decoys[i], decoys[i].TotalAmount + 0.01m, app.AlipayPrivateKey)), "failure");
            }
        }

        var successes = 0;
        var result = await LoadRunner.RunAsync("notify storm", requests, concurrency, async r =>
        {
            using var content = new ByteArrayContent(r.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            using var response = await r.Http.PostAsync("/api/v1/order/success/", content);
            var answer = await response.Content.ReadAsStringAsync();
            if (answer == "success")
            {
                Interlocked.Increment(ref successes);
            }

            return answer == r.Expected;
        });

        await using var db = app.OpenDatabase();
        var realIds = real.Select(o => o.Id).ToList();
        var decoyIds = decoys.Select(o => o.Id).ToList();
        Check(await db.Orders.CountAsync(o => realIds.Contains(o.Id) && o.Status == OrderStatus.Paid) == orders, $"exactly {orders} orders paid");
        Check(await db.CourseOwnerships.CountAsync(x => realIds.Contains(x.OrderId)) == orders, $"exactly {orders} ownership rows");
        Check(await db.OrderStatusChanges.CountAsync(c => realIds.Contains(c.OrderId) && c.To == OrderStatus.Paid) == orders, "one paid history row per order");
        Check(await db.Orders.CountAsync(o => decoyIds.Contains(o.Id) && o.Status != OrderStatus.Unpaid) == 0, "no forged or wrong-amount notify accepted");
        Check(successes == orders * copies, $"{orders * copies} answers 'success' (got {successes})");
        return result;
    }

    /// <summary>Learners with JWTs placing orders through POST /api/v1/order/pay/; every order priced right and numbered uniquely.</summary>
    public async Task<LoadResult> CheckoutAsync(int learners)
    {
        var courses = await Seeder.CoursesAsync(app);
        var users = await Seeder.LearnersAsync(app, learners, "buyer");
        var tokens = new JwtTokenService(Options.Create(new JwtOptions { SigningKey = app.JwtSigningKey }), Options.Create(new Microsoft.AspNetCore.Identity.IdentityOptions()), TimeProvider.System);
        var requests = users.SelectMany(u =>
        {
            var token = tokens.CreateToken(u, []);
            return courses.Select(c => (Token: token, Body: Encoding.UTF8.GetBytes(
                $"{{\"subject\":\"load\",\"total_amount\":\"{c.Price.ToString("0.00", CultureInfo.InvariantCulture)}\",\"pay_type\":1,\"courses\":[{c.Id}]}}")));
        }).OrderBy(_ => Random.Shared.Next()).Select((r, i) => (r.Token, r.Body, Http: app.ClientFor(i))).ToList();

        var numbers = new ConcurrentBag<string>();
        var result = await LoadRunner.RunAsync("checkout", requests, concurrency, async r =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/order/pay/") { Content = new ByteArrayContent(r.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", r.Token);
            using var response = await r.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var at = text.IndexOf("\"out_trade_no\":\"", StringComparison.Ordinal);
            if (response.StatusCode != HttpStatusCode.OK || at < 0 || !text.Contains("\"pay_url\":\"http", StringComparison.Ordinal))
            {
                return false;
            }

            numbers.Add(text.Substring(at + 16, 38));
            return true;
        });

        await using var db = app.OpenDatabase();
        var userIds = users.Select(u => u.Id).ToList();
        var mispriced = await db.Orders.Where(o => userIds.Contains(o.UserId))
            .CountAsync(o => o.TotalAmount != db.Courses.Where(c => c.Id == o.Details.First().CourseId).Select(c => c.Price).First());
        Check(numbers.Count == requests.Count && numbers.Distinct().Count() == numbers.Count, "every out_trade_no unique");
        Check(await db.Orders.CountAsync(o => userIds.Contains(o.UserId)) == requests.Count, $"{requests.Count} orders stored");
        Check(mispriced == 0, "every order priced from the database");
        return result;
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

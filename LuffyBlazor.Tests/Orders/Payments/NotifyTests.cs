using System.Net;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>The async notify over HTTP, against each of the contract's rules.</summary>
public sealed class NotifyTests(NotifyTests.App app) : IClassFixture<NotifyTests.App>
{
    /// <summary>Configured with the merchant PID the test notifies are paid to (<see cref="NotifyForms.Paid"/>'s seller_id).</summary>
    public sealed class App() : LuffyAppFactory(new Dictionary<string, string?>(AlipayTestKeys.Settings()) { ["Alipay:SellerId"] = NotifyForms.SellerId });

    private readonly HttpClient alipay = app.CreateClient();

    private async Task<Order> NewOrderAsync(params int[] courses)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        return await app.PlaceOrderAsync(learner, courses.Length == 0 ? [1] : courses);
    }

    private Task<List<NotifyLog>> LogsAsync(string outTradeNo) =>
        app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == outTradeNo).ToListAsync());

    private Task<int> OwnershipsAsync(Order order) =>
        app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id));

    [Fact]
    public async Task A_valid_notify_marks_the_order_paid_records_the_trade_and_grants_the_course()
    {
        var order = await NewOrderAsync(1, 2);
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount);

        var answer = await alipay.PostNotifyAsync(form.Signed());

        Assert.Equal("success", answer);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.Equal(form["trade_no"], paid.TradeNo);
        Assert.Equal(form["buyer_id"], paid.BuyerId);
        Assert.Equal(new DateTime(2026, 11, 25, 2, 0, 5, DateTimeKind.Utc), paid.PayTime); // gmt_payment is Beijing time
        Assert.False(paid.PaidAfterClose);
        Assert.Equal(2, await OwnershipsAsync(order));
        var log = Assert.Single(await LogsAsync(order.OutTradeNo));
        Assert.Equal(NotifyVerdict.Accepted, log.Verdict);
        Assert.Equal(form["notify_id"], log.NotifyId);
        Assert.Contains(form["trade_no"], log.RawParameters);
    }

    [Fact]
    public async Task A_notify_carrying_an_empty_passback_params_in_its_signature_is_applied()
    {
        var order = await NewOrderAsync(3);
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount);
        form["passback_params"] = "";

        var answer = await alipay.PostNotifyAsync(form.Signed());

        Assert.Equal("success", answer);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Contains("\"passback_params\":\"\"", Assert.Single(await LogsAsync(order.OutTradeNo)).RawParameters);
    }

    public static TheoryData<string, Func<Order, Dictionary<string, string>>> Rejected => new()
    {
        { "signed by a stranger's key", o => NotifyForms.Paid(o.OutTradeNo, o.TotalAmount).Signed(RSA.Create(2048)) },
        { "signed with the app's own key", o => NotifyForms.Paid(o.OutTradeNo, o.TotalAmount).Signed(AlipayTestKeys.AppPrivateKey) },
        { "amount changed after signing", o => Tamper(NotifyForms.Paid(o.OutTradeNo, o.TotalAmount).Signed(), "total_amount", "0.01") },
        { "no signature at all", o => NotifyForms.Paid(o.OutTradeNo, o.TotalAmount) },
        { "another merchant's app_id", o => With(NotifyForms.Paid(o.OutTradeNo, o.TotalAmount), "app_id", "2021009999999999").Signed() },
        { "a signed wrong amount", o => With(NotifyForms.Paid(o.OutTradeNo, o.TotalAmount), "total_amount", "0.01").Signed() },
        { "an unknown trade status", o => NotifyForms.Paid(o.OutTradeNo, o.TotalAmount, "TRADE_PENDING").Signed() },
        { "money paid to another merchant", o => With(NotifyForms.Paid(o.OutTradeNo, o.TotalAmount), "seller_id", "2088000000000099").Signed() },
        { "no seller_id at all", o => Without(NotifyForms.Paid(o.OutTradeNo, o.TotalAmount), "seller_id").Signed() },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task A_notify_that_breaks_a_rule_answers_failure_and_changes_nothing(string why, Func<Order, Dictionary<string, string>> build)
    {
        var order = await NewOrderAsync();

        var answer = await alipay.PostNotifyAsync(build(order));

        Assert.True(answer == "failure", why);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(0, await OwnershipsAsync(order));
        var log = Assert.Single(await LogsAsync(order.OutTradeNo));
        Assert.Equal(NotifyVerdict.Rejected, log.Verdict);
        Assert.False(string.IsNullOrWhiteSpace(log.Reason));
    }

    [Fact]
    public async Task A_notify_for_money_paid_to_another_merchant_is_refused_and_logged_with_both_sellers()
    {
        var order = await NewOrderAsync(5);

        var answer = await alipay.PostNotifyAsync(With(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount), "seller_id", "2088000000000099").Signed());

        Assert.Equal("failure", answer);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal($"seller_id 2088000000000099 is not ours ({NotifyForms.SellerId})", Assert.Single(await LogsAsync(order.OutTradeNo)).Reason);
    }

    [Fact]
    public async Task A_trade_no_that_already_paid_one_order_cannot_pay_another_which_is_flagged_and_refused()
    {
        var first = await NewOrderAsync(6);
        var second = await NewOrderAsync(6);
        var paid = NotifyForms.Paid(first.OutTradeNo, first.TotalAmount);
        Assert.Equal("success", await alipay.PostNotifyAsync(paid.Signed()));

        var reused = With(NotifyForms.Paid(second.OutTradeNo, second.TotalAmount), "trade_no", paid["trade_no"]).Signed();
        var answer = await alipay.PostNotifyAsync(reused);
        var again = await alipay.PostNotifyAsync(reused);

        Assert.Equal(("failure", "failure"), (answer, again));
        var flagged = await app.OrderAsync(second.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, true, null), (flagged.Status, flagged.TradeNoConflict, flagged.TradeNo));
        Assert.Equal(0, await OwnershipsAsync(second));
        Assert.All(await LogsAsync(second.OutTradeNo), l => Assert.Equal(
            (NotifyVerdict.Rejected, $"trade_no {paid["trade_no"]} already paid another order: not applied, order flagged for an admin"), (l.Verdict, l.Reason)));
        var untouched = await app.OrderAsync(first.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, paid["trade_no"], false), (untouched.Status, untouched.TradeNo, untouched.TradeNoConflict));
    }

    [Fact]
    public async Task A_notify_for_an_unknown_order_answers_failure()
    {
        var answer = await alipay.PostNotifyAsync(NotifyForms.Paid("20261125000000DEADBEEFDEADBEEFDEADBEEF", 99m).Signed());

        Assert.Equal("failure", answer);
        var log = Assert.Single(await LogsAsync("20261125000000DEADBEEFDEADBEEFDEADBEEF"));
        Assert.Contains("unknown", log.Reason);
    }

    [Fact]
    public async Task Wait_buyer_pay_answers_success_without_marking_paid()
    {
        var order = await NewOrderAsync();

        var answer = await alipay.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount, "WAIT_BUYER_PAY").Signed());

        Assert.Equal("success", answer);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(NotifyVerdict.Ignored, Assert.Single(await LogsAsync(order.OutTradeNo)).Verdict);
    }

    [Fact]
    public async Task Trade_closed_on_an_unpaid_order_cancels_it()
    {
        var order = await NewOrderAsync();

        var answer = await alipay.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount, "TRADE_CLOSED").Signed());

        Assert.Equal("success", answer);
        Assert.Equal(OrderStatus.Cancelled, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Trade_closed_after_a_full_refund_marks_the_order_refunded_and_withdraws_the_course()
    {
        var order = await NewOrderAsync(4);
        Assert.Equal("success", await alipay.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed()));
        var closed = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount, "TRADE_CLOSED");
        closed["refund_fee"] = closed["total_amount"];
        closed["gmt_refund"] = "2026-11-26 09:00:00.000";

        var answer = await alipay.PostNotifyAsync(closed.Signed());

        Assert.Equal("success", answer);
        var refunded = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Refunded, refunded.Status);
        Assert.Equal(order.TotalAmount, refunded.RefundedAmount);
        Assert.Equal(0, await OwnershipsAsync(order));
    }

    [Fact]
    public async Task Fifty_concurrent_copies_leave_one_paid_order_one_ownership_and_all_answered_success()
    {
        var order = await NewOrderAsync(10);
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();
        var studentsBefore = await app.QueryAsync(db => db.Courses.Where(c => c.Id == 10).Select(c => c.StudentsCount).SingleAsync());

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => app.CreateClient().PostNotifyAsync(form)));

        Assert.All(answers, a => Assert.Equal("success", a));
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, await OwnershipsAsync(order));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
        Assert.Equal(studentsBefore + 1, await app.QueryAsync(db => db.Courses.Where(c => c.Id == 10).Select(c => c.StudentsCount).SingleAsync()));
        Assert.Equal(50, (await LogsAsync(order.OutTradeNo)).Count(l => l.Verdict == NotifyVerdict.Accepted));
    }

    [Fact]
    public async Task A_replay_of_an_applied_notify_answers_success_and_changes_nothing()
    {
        var order = await NewOrderAsync();
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();
        await alipay.PostNotifyAsync(form);
        var paid = await app.OrderAsync(order.OutTradeNo);

        var again = await alipay.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount, "TRADE_FINISHED").Signed());

        Assert.Equal("success", again);
        var after = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(paid.TradeNo, after.TradeNo);
        Assert.Equal(paid.Version, after.Version);
    }

    [Fact]
    public async Task A_payment_after_the_order_timed_out_is_recorded_and_flagged_for_an_admin()
    {
        var order = await NewOrderAsync(11);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var transitions = scope.ServiceProvider.GetRequiredService<OrderTransitions>();
            Assert.True(await transitions.CloseUnpaidAsync(order.Id, OrderStatus.TimedOut, "sweeper", "超过支付期限未付款"));
        }

        var answer = await alipay.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed());

        Assert.Equal("success", answer);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.True(paid.PaidAfterClose);
        Assert.Equal(1, await OwnershipsAsync(order));
    }

    [Fact]
    public async Task A_notify_whose_order_change_fails_is_logged_with_the_error_and_answered_failure_until_a_retry_succeeds()
    {
        var order = await NewOrderAsync(12);
        var trigger = $"fail_payment_{order.Id}";
        // Trigger names cannot be SQL parameters; both come from the test's own order id.
        var createTrigger = $"CREATE TRIGGER {trigger} BEFORE UPDATE OF Status ON Orders WHEN OLD.Id = {order.Id} BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;";
        var dropTrigger = $"DROP TRIGGER {trigger};";
        // A database error in the middle of the order change, as a busy timeout or a deadlock would be.
        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(createTrigger));
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();

        var answer = await alipay.PostNotifyAsync(form);

        Assert.Equal("failure", answer);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(0, await OwnershipsAsync(order));
        var log = Assert.Single(await LogsAsync(order.OutTradeNo));
        Assert.Equal(NotifyVerdict.Rejected, log.Verdict);
        Assert.Contains("disk on fire", log.Reason);

        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(dropTrigger));
        Assert.Equal("success", await alipay.PostNotifyAsync(form));
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    /// <summary>The notify log's rows written since <paramref name="lastId"/>.</summary>
    private Task<List<NotifyLog>> LogsSinceAsync(long lastId) =>
        app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.Id > lastId).ToListAsync());

    private async Task<long> LastLogIdAsync() => await app.QueryAsync(db => db.NotifyLogs.MaxAsync(l => (long?)l.Id)) ?? 0;

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "%%%&&&=%zz")]
    [InlineData("application/json", "{\"out_trade_no\":\"x\"}")]
    [InlineData("text/plain", "hello")]
    [InlineData("application/x-www-form-urlencoded", "")]
    public async Task Garbage_answers_failure_never_an_error_and_is_logged(string contentType, string body)
    {
        var before = await LastLogIdAsync();

        using var response = await alipay.PostAsync("/api/v1/order/success/", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("failure", await response.Content.ReadAsStringAsync());
        var log = Assert.Single(await LogsSinceAsync(before));
        Assert.Equal(NotifyVerdict.Rejected, log.Verdict);
        Assert.False(string.IsNullOrWhiteSpace(log.Reason));
    }

    [Fact]
    public async Task A_body_over_the_16_KB_limit_in_many_small_fields_answers_failure_and_is_logged_as_too_large()
    {
        // 90 fields of 250 characters: under the field count (100) and per-value (8 KB) limits, over the body's 16 KB.
        var form = Enumerable.Range(0, 90).ToDictionary(i => $"field{i}", _ => new string('x', 250));
        Assert.True(await new FormUrlEncodedContent(form).ReadAsByteArrayAsync() is { Length: > AlipayNotifyController.MaxBodyBytes });
        // The body size limit is the server's: Kestrel enforces it, the in-memory test server does not.
        using var kestrelApp = new App();
        using var http = new HttpClient { BaseAddress = new Uri(kestrelApp.StartKestrel()) };

        using var response = await http.PostAsync("/api/v1/order/success/", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("failure", await response.Content.ReadAsStringAsync());
        var log = Assert.Single(await kestrelApp.QueryAsync(db => db.NotifyLogs.AsNoTracking().ToListAsync()));
        Assert.Equal(NotifyVerdict.Rejected, log.Verdict);
        Assert.Contains("too large", log.Reason, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> With(Dictionary<string, string> form, string key, string value)
    {
        form[key] = value;
        return form;
    }

    private static Dictionary<string, string> Without(Dictionary<string, string> form, string key)
    {
        form.Remove(key);
        return form;
    }

    private static Dictionary<string, string> Tamper(Dictionary<string, string> signed, string key, string value) => With(signed, key, value);
}

using System.Security.Cryptography;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The notify log's machine reasons, as the back office shows them: in Chinese, the machine reason kept.</summary>
public sealed class NotifyReasonsTests(NotifyReasonsTests.App app) : IClassFixture<NotifyReasonsTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private readonly HttpClient alipay = app.CreateClient();

    private async Task<Order> NewOrderAsync()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        return await app.PlaceOrderAsync(learner, 1);
    }

    private static Dictionary<string, string> With(Dictionary<string, string> form, string key, string value)
    {
        form[key] = value;
        return form;
    }

    [Fact]
    public async Task Every_reason_the_notify_handler_writes_has_a_chinese_text()
    {
        var paid = await NewOrderAsync();
        var waiting = await NewOrderAsync();
        var closed = await NewOrderAsync();
        var other = await NewOrderAsync();
        Dictionary<string, string>[] notifies =
        [
            NotifyForms.Paid(paid.OutTradeNo, paid.TotalAmount).Signed(),
            NotifyForms.Paid(paid.OutTradeNo, paid.TotalAmount).Signed(),
            NotifyForms.Paid(paid.OutTradeNo, paid.TotalAmount, "TRADE_CLOSED").Signed(),
            NotifyForms.Paid(waiting.OutTradeNo, waiting.TotalAmount, "WAIT_BUYER_PAY").Signed(),
            NotifyForms.Paid(closed.OutTradeNo, closed.TotalAmount, "TRADE_CLOSED").Signed(),
            NotifyForms.Paid(other.OutTradeNo, other.TotalAmount).Signed(RSA.Create(2048)),
            NotifyForms.Paid(other.OutTradeNo, other.TotalAmount),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount).Signed(), "sign_type", "RSA"),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount).Signed(), "sign_type", "MD5"),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount), "app_id", "2021009999999999").Signed(),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount), "total_amount", "0.01").Signed(),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount), "total_amount", "abc").Signed(),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount), "gmt_payment", "yesterday").Signed(),
            With(NotifyForms.Paid(other.OutTradeNo, other.TotalAmount), "out_trade_no", "20260101000000000000000000000000").Signed(),
            NotifyForms.Paid(other.OutTradeNo, other.TotalAmount, "TRADE_PENDING").Signed(),
        ];
        foreach (var notify in notifies)
        {
            await alipay.PostNotifyAsync(notify);
        }

        using (var json = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))
        {
            (await alipay.PostAsync("/api/v1/order/success/", json)).Dispose();
        }

        var reasons = await app.QueryAsync(db => db.NotifyLogs.Select(n => n.Reason).Distinct().ToListAsync());
        Assert.True(reasons.Count >= 14, "each notify above leaves a different reason: " + string.Join(" | ", reasons));
        Assert.All(reasons, reason => Assert.True(NotifyReasons.ToChinese(reason) is not null, $"no Chinese for \"{reason}\""));
    }

    [Theory]
    [InlineData("marked paid", "付款已入账，订单改为已支付")]
    [InlineData("total_amount 0.01 does not match the order total 99.00", "金额与订单金额不符")]
    [InlineData("total_amount 'abc' is not an amount", "金额格式不正确")]
    [InlineData("app_id 2021000000009999 is not ours", "app_id 不是本应用的，请检查 AppId 配置")]
    public void A_reason_is_known_by_how_it_starts_and_the_longest_start_wins(string reason, string chinese) =>
        Assert.Equal(chinese, NotifyReasons.ToChinese(reason));

    [Theory]
    [InlineData("a reason no one has written yet")]
    [InlineData("")]
    [InlineData(null)]
    public void A_reason_the_table_does_not_know_has_no_chinese_and_is_shown_as_it_is(string? reason) =>
        Assert.Null(NotifyReasons.ToChinese(reason));
}

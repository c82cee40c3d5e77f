using Bunit;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

/// <summary>/admin/orders/{no} with bUnit: what it shows, and its actions through their dialogs, against the scripted gateway.</summary>
public sealed class OrderDetailComponentTests : AdminComponentTest, IClassFixture<ScriptedAlipayApp>
{
    private readonly ScriptedAlipayApp fixture;

    public OrderDetailComponentTests(ScriptedAlipayApp fixture) : base(fixture.App) => this.fixture = fixture;

    private async Task<IRenderedComponent<IComponent>> RenderOrderAsync(Order order)
    {
        await SignInAsAdminAsync();
        var page = RenderPage<OrderDetailPage>($"/admin/orders/{order.OutTradeNo}", p => p.Add(nameof(OrderDetailPage.OutTradeNo), order.OutTradeNo));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#order-no")), TimeSpan.FromSeconds(5));
        return page;
    }

    [Fact]
    public async Task A_paid_order_shows_its_lines_buyer_history_notify_and_alipays_live_view()
    {
        var order = await App.PaidOrderAsync(3);
        fixture.Alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        Assert.Equal("success", await App.CreateClient().PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed()));

        var page = await RenderOrderAsync(order);

        Assert.Contains("Django 项目实战：路飞学城", page.Find("#order-lines").TextContent);
        Assert.StartsWith("learner", page.Find("#order-buyer").TextContent);
        Assert.Equal(["学员", "支付宝异步通知"], page.FindAll("#order-history .history-row td:nth-child(3)").Select(td => td.TextContent));
        Assert.Contains("already paid", page.Find("#order-notifies").TextContent);
        page.WaitForAssertion(() => Assert.Equal("TRADE_SUCCESS", page.Find("#alipay-trade-status").TextContent), TimeSpan.FromSeconds(5));
        Assert.NotNull(page.Find("#action-refund"));
        Assert.Empty(page.FindAll("#action-close"));
    }

    [Fact]
    public async Task The_notify_dialog_shows_every_parameter_with_the_signature_cut_short()
    {
        var order = await App.PaidOrderAsync(4);
        var notify = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();
        await App.CreateClient().PostNotifyAsync(notify);
        var page = await RenderOrderAsync(order);

        _ = page.Find("#order-notifies .notify-show").ClickAsync(new()); // its handler waits for the dialog to close

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#notify-parameters")), TimeSpan.FromSeconds(10));
        var cells = page.FindAll("#notify-parameters tbody tr").ToDictionary(tr => tr.Children[0].TextContent, tr => tr.Children[1].TextContent);
        Assert.Equal(order.OutTradeNo, cells["out_trade_no"]);
        Assert.Equal($"{notify["sign"][..12]}…{notify["sign"][^8..]} ({notify["sign"].Length} 字符)", cells["sign"]);
        Assert.DoesNotContain(notify["sign"], page.Markup);
    }

    [Fact]
    public async Task A_partial_refund_through_the_dialog_is_made_listed_and_audited()
    {
        var order = await App.PaidOrderAsync(1); // 198.00
        fixture.Alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        var page = await RenderOrderAsync(order);

        _ = page.Find("#action-refund").ClickAsync(new()); // its handler waits for the dialog to close
        page.WaitForAssertion(() => Assert.Equal("¥198.00", page.Find("#refundable").TextContent), TimeSpan.FromSeconds(10));
        await page.Find("#refund-full").ChangeAsync(new ChangeEventArgs { Value = false });
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#refund-amount")), TimeSpan.FromSeconds(10));
        await page.Find("#refund-amount").InputAsync(new ChangeEventArgs { Value = "48.5" });
        await page.Find("#refund-reason").InputAsync(new ChangeEventArgs { Value = "只退一部分" });
        page.WaitForAssertion(() => Assert.False(page.Find("#refund-ok").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        await page.Find("#refund-ok").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("已退款 ¥48.50，累计退款 ¥48.50", page.Markup), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("#order-refunds .refund-row")), TimeSpan.FromSeconds(10));
        Assert.Equal(48.50m, fixture.Alipay.RefundedTotal(order.OutTradeNo));
        Assert.Contains("¥48.50", page.Find("#order-refunded").TextContent);
        Assert.Contains("只退一部分", page.FindAll(".audit-row")[0].TextContent);
        var entry = await App.QueryAsync(db => db.AdminAuditEntries.Where(e => e.Target == AuditTargets.Order(order.OutTradeNo)).SingleAsync());
        Assert.Equal((AdminActions.OrderRefund, "只退一部分", true), (entry.Action, entry.Reason, entry.Succeeded));
    }

    [Fact]
    public async Task Closing_an_unpaid_order_asks_for_a_reason_then_closes_it()
    {
        var (learner, _) = await App.CreateLearnerAsync();
        var order = await App.PlaceOrderAsync(learner, 5);
        fixture.Alipay.Trades[order.OutTradeNo] = ("WAIT_BUYER_PAY", order.TotalAmount);
        var page = await RenderOrderAsync(order);
        Assert.Empty(page.FindAll("#action-refund"));

        _ = page.Find("#action-close").ClickAsync(new()); // its handler waits for the dialog to close
        page.WaitForAssertion(() => Assert.True(page.Find("#confirm-ok").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        await page.Find("#confirm-reason").InputAsync(new ChangeEventArgs { Value = "测试订单" });
        page.WaitForAssertion(() => Assert.False(page.Find("#confirm-ok").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        await page.Find("#confirm-ok").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("已取消", page.Find(".order-status").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains("订单已取消", page.Markup);
        Assert.Equal("TRADE_CLOSED", fixture.Alipay.Trades[order.OutTradeNo].Status);
        Assert.Contains("管理员 admin", page.Find("#order-history").TextContent);
    }

    [Fact]
    public async Task Cancelling_a_dialog_does_nothing()
    {
        var (learner, _) = await App.CreateLearnerAsync();
        var order = await App.PlaceOrderAsync(learner, 6);
        var page = await RenderOrderAsync(order);

        _ = page.Find("#action-sync").ClickAsync(new()); // its handler waits for the dialog to close
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#confirm-cancel")), TimeSpan.FromSeconds(10));
        await page.Find("#confirm-cancel").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#confirm-ok")), TimeSpan.FromSeconds(10));
        Assert.Equal(0, await App.QueryAsync(db => db.AdminAuditEntries.CountAsync(e => e.Target == AuditTargets.Order(order.OutTradeNo))));
    }

    [Fact]
    public async Task An_unknown_order_number_says_so()
    {
        await SignInAsAdminAsync();

        var page = RenderPage<OrderDetailPage>("/admin/orders/NOSUCHORDER", p => p.Add(nameof(OrderDetailPage.OutTradeNo), "NOSUCHORDER"));

        page.WaitForAssertion(() => Assert.Contains("不存在", page.Find("#order-missing").TextContent), TimeSpan.FromSeconds(10));
    }
}

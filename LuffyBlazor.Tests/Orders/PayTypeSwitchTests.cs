using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>An app with WeChat Pay on (a <see cref="FakeWeChatPay"/>) and a scripted Alipay gateway; no sweeper.</summary>
public sealed class BothProvidersApp : IAsyncLifetime
{
    public ScriptedAlipay Alipay { get; private set; } = null!;
    public WeChatPayApp App { get; private set; } = null!;
    public FakeWeChatPay WeChat => App.WeChat;

    public async Task InitializeAsync()
    {
        Alipay = await ScriptedAlipay.StartAsync();
        App = new WeChatPayApp(new Dictionary<string, string?>
        {
            ["Alipay:Gateway"] = Alipay.Url,
            ["Orders:SweeperEnabled"] = "false",
        });
        App.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Alipay.DisposeAsync();
    }
}

/// <summary>
/// 去支付 with the other provider (issue 18): the previous trade is closed first, a payment found there is recorded
/// instead of switching, an unreachable provider changes nothing, and the pay type changes by a compare-and-set, so
/// switches and notifies racing each other leave one correct state.
/// </summary>
public sealed class PayTypeSwitchTests(BothProvidersApp fixture) : IClassFixture<BothProvidersApp>
{
    private readonly WeChatPayApp app = fixture.App;
    private readonly ScriptedAlipay alipay = fixture.Alipay;

    private async Task<(Order Order, string UserId)> AlipayOrderAsync(int course, string? alipayStatus = null)
    {
        var (learner, _) = await app.CreateLearnerAsync("switch");
        var order = await app.PlaceOrderAsync(learner, course);
        if (alipayStatus is not null)
        {
            alipay.Trades[order.OutTradeNo] = (alipayStatus, order.TotalAmount);
        }

        return (order, learner);
    }

    private async Task<SwitchOutcome> SwitchAsync(string userId, Order order, PayType to)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PayTypeSwitch>().SwitchAsync(userId, order.OutTradeNo, to);
    }

    private Task<List<OrderStatusChange>> SwitchRowsAsync(Order order) =>
        app.QueryAsync(db => db.OrderStatusChanges.AsNoTracking()
            .Where(c => c.OrderId == order.Id && c.From == OrderStatus.Unpaid && c.To == OrderStatus.Unpaid).ToListAsync());

    [Fact]
    public async Task An_order_alipay_never_saw_switches_to_wechat_with_a_history_row()
    {
        var (order, learner) = await AlipayOrderAsync(1);

        var outcome = await SwitchAsync(learner, order, PayType.WeChat);

        Assert.Equal(SwitchResult.Ready, outcome.Result);
        var switched = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, PayType.WeChat), (switched.Status, switched.PayType));
        var row = Assert.Single(await SwitchRowsAsync(order));
        Assert.Equal(("支付方式由支付宝改为微信支付", $"user:{learner}"), (row.Reason, row.Actor));
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"));
    }

    [Fact]
    public async Task A_trade_waiting_at_alipay_is_closed_there_before_the_order_switches()
    {
        var (order, learner) = await AlipayOrderAsync(2, "WAIT_BUYER_PAY");

        var outcome = await SwitchAsync(learner, order, PayType.WeChat);

        Assert.Equal(SwitchResult.Ready, outcome.Result);
        Assert.Equal("TRADE_CLOSED", alipay.Trades[order.OutTradeNo].Status);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.close"));
        Assert.Equal(PayType.WeChat, (await app.OrderAsync(order.OutTradeNo)).PayType);
    }

    [Fact]
    public async Task A_trade_alipay_reports_paid_is_recorded_as_paid_and_the_order_keeps_alipay()
    {
        var (order, learner) = await AlipayOrderAsync(3, "TRADE_SUCCESS");

        var outcome = await SwitchAsync(learner, order, PayType.WeChat);

        Assert.Equal(SwitchResult.WasPaid, outcome.Result);
        Assert.Contains("已通过支付宝支付成功", outcome.Message);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, PayType.Alipay), (paid.Status, paid.PayType));
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Empty(await SwitchRowsAsync(order));
        Assert.Equal(0, alipay.CallsFor(order.OutTradeNo, "alipay.trade.close"));
    }

    [Fact]
    public async Task When_alipay_cannot_be_reached_nothing_changes_and_the_learner_is_told_why()
    {
        var (order, learner) = await AlipayOrderAsync(4, ScriptedAlipay.Unreachable);

        var outcome = await SwitchAsync(learner, order, PayType.WeChat);

        Assert.Equal(SwitchResult.Failed, outcome.Result);
        Assert.Equal("未能改用微信支付，订单未做任何改动：暂时无法连接支付宝，请稍后再试", outcome.Message);
        var unchanged = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, PayType.Alipay, order.Version), (unchanged.Status, unchanged.PayType, unchanged.Version));
        Assert.Empty(await SwitchRowsAsync(order));
    }

    [Fact]
    public async Task A_payment_made_while_the_close_is_on_its_way_is_recorded_instead_of_switching()
    {
        var (order, learner) = await AlipayOrderAsync(5, "WAIT_BUYER_PAY");
        alipay.BeforeAnswer = (method, outTradeNo) =>
        {
            // The buyer pays at the cashier a moment before our close reaches Alipay, which then refuses it.
            if (outTradeNo == order.OutTradeNo && method == "alipay.trade.close")
            {
                alipay.Trades[outTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
            }

            return Task.CompletedTask;
        };
        try
        {
            var outcome = await SwitchAsync(learner, order, PayType.WeChat);

            Assert.Equal(SwitchResult.WasPaid, outcome.Result);
            Assert.Equal((OrderStatus.Paid, PayType.Alipay), ((await app.OrderAsync(order.OutTradeNo)).Status, (await app.OrderAsync(order.OutTradeNo)).PayType));
            Assert.Empty(await SwitchRowsAsync(order));
        }
        finally
        {
            alipay.BeforeAnswer = null;
        }
    }

    [Fact]
    public async Task A_wechat_order_switches_to_alipay_once_wechat_has_closed_its_trade()
    {
        var (learner, _) = await app.CreateLearnerAsync("switch");
        var order = await app.PlaceWeChatOrderAsync(learner, 6);
        fixture.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, "NOTPAY"));
        fixture.WeChat.On($"/out-trade-no/{order.OutTradeNo}/close", 204, null);

        var outcome = await SwitchAsync(learner, order, PayType.Alipay);

        Assert.Equal(SwitchResult.Ready, outcome.Result);
        Assert.Contains(fixture.WeChat.Calls, c => c.PathAndQuery == $"/v3/pay/transactions/out-trade-no/{order.OutTradeNo}/close" && c.SignatureValid);
        Assert.Equal(PayType.Alipay, (await app.OrderAsync(order.OutTradeNo)).PayType);
        Assert.Equal("支付方式由微信支付改为支付宝", Assert.Single(await SwitchRowsAsync(order)).Reason);
    }

    [Fact]
    public async Task Switching_back_to_a_provider_whose_trade_was_closed_is_refused_without_asking_anyone()
    {
        var (order, learner) = await AlipayOrderAsync(8, "WAIT_BUYER_PAY");
        Assert.Equal(SwitchResult.Ready, (await SwitchAsync(learner, order, PayType.WeChat)).Result);
        var weChatCalls = fixture.WeChat.Calls.Count(c => c.PathAndQuery.Contains(order.OutTradeNo, StringComparison.Ordinal));

        var outcome = await SwitchAsync(learner, order, PayType.Alipay);

        Assert.Equal(SwitchResult.Refused, outcome.Result);
        Assert.Contains("支付宝交易已在改用微信支付时关闭，不能再改回", outcome.Message);
        Assert.Equal(PayType.WeChat, (await app.OrderAsync(order.OutTradeNo)).PayType);
        Assert.Equal(weChatCalls, fixture.WeChat.Calls.Count(c => c.PathAndQuery.Contains(order.OutTradeNo, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Someone_elses_order_is_not_switched()
    {
        var (order, _) = await AlipayOrderAsync(9);
        var (stranger, _) = await app.CreateLearnerAsync("stranger");

        var outcome = await SwitchAsync(stranger, order, PayType.WeChat);

        Assert.Equal(SwitchResult.Refused, outcome.Result);
        Assert.Equal(PayType.Alipay, (await app.OrderAsync(order.OutTradeNo)).PayType);
        Assert.Equal(0, alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"));
    }

    [Fact]
    public async Task Two_switches_at_once_both_go_on_to_wechat_and_record_one_change()
    {
        var (order, learner) = await AlipayOrderAsync(10, "WAIT_BUYER_PAY");
        var asked = 0;
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alipay.BeforeAnswer = async (method, outTradeNo) =>
        {
            // Both switches read WAIT_BUYER_PAY before either closes: the race, made certain.
            if (outTradeNo == order.OutTradeNo && method == "alipay.trade.query")
            {
                if (Interlocked.Increment(ref asked) == 2)
                {
                    bothAsked.TrySetResult();
                }

                await bothAsked.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        };
        try
        {
            var outcomes = await Task.WhenAll(SwitchAsync(learner, order, PayType.WeChat), SwitchAsync(learner, order, PayType.WeChat));

            Assert.All(outcomes, o => Assert.Equal(SwitchResult.Ready, o.Result));
            Assert.Single(await SwitchRowsAsync(order));
            var switched = await app.OrderAsync(order.OutTradeNo);
            Assert.Equal((OrderStatus.Unpaid, PayType.WeChat, order.Version + 1), (switched.Status, switched.PayType, switched.Version));
            Assert.Equal("TRADE_CLOSED", alipay.Trades[order.OutTradeNo].Status);
        }
        finally
        {
            alipay.BeforeAnswer = null;
        }
    }

    [Fact]
    public async Task A_switch_racing_the_previous_providers_paid_notify_leaves_one_payment_and_no_switch()
    {
        var (order, learner) = await AlipayOrderAsync(11, "TRADE_SUCCESS");

        var switching = SwitchAsync(learner, order, PayType.WeChat);
        var notified = app.CreateClient().PostNotifyAsync(PaidNotify(order));
        var (outcome, answer) = (await switching, await notified);

        await AssertPaidOnceByAlipayAsync(order, outcome, answer);
    }

    [Fact]
    public async Task A_paid_notify_landing_while_the_switch_asks_alipay_leaves_one_payment_and_no_switch()
    {
        var (order, learner) = await AlipayOrderAsync(14, "TRADE_SUCCESS");
        string? answer = null;
        alipay.BeforeAnswer = async (method, outTradeNo) =>
        {
            // The notify wins the race for certain: it pays the order after the switch read it unpaid, before Alipay answers.
            if (outTradeNo == order.OutTradeNo && method == "alipay.trade.query" && answer is null)
            {
                answer = await app.CreateClient().PostNotifyAsync(PaidNotify(order));
            }
        };
        try
        {
            var outcome = await SwitchAsync(learner, order, PayType.WeChat);

            await AssertPaidOnceByAlipayAsync(order, outcome, answer);
        }
        finally
        {
            alipay.BeforeAnswer = null;
        }
    }

    /// <summary>Alipay's notify for the trade the scripted gateway reports: one trade, one trade_no, whichever path sees it first.</summary>
    private static Dictionary<string, string> PaidNotify(Order order)
    {
        var fields = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount);
        fields["trade_no"] = ScriptedAlipay.TradeNoOf(order.OutTradeNo);
        return fields.Signed();
    }

    private async Task AssertPaidOnceByAlipayAsync(Order order, SwitchOutcome outcome, string? notifyAnswer)
    {
        Assert.Equal(SwitchResult.WasPaid, outcome.Result);
        Assert.Equal("success", notifyAnswer);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, PayType.Alipay, ScriptedAlipay.TradeNoOf(order.OutTradeNo)), (paid.Status, paid.PayType, paid.TradeNo));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Empty(await SwitchRowsAsync(order));
    }

    [Fact]
    public async Task The_transition_moves_only_an_unpaid_order_from_the_pay_type_it_was_told()
    {
        var (order, _) = await AlipayOrderAsync(12);
        await using var scope = app.Services.CreateAsyncScope();
        var transitions = scope.ServiceProvider.GetRequiredService<OrderTransitions>();

        var fromWrongType = await transitions.ChangePayTypeAsync(order.Id, PayType.WeChat, PayType.Alipay, "test");
        var first = await transitions.ChangePayTypeAsync(order.Id, PayType.Alipay, PayType.WeChat, "test");
        var again = await transitions.ChangePayTypeAsync(order.Id, PayType.Alipay, PayType.WeChat, "test");
        var paidOrder = await app.PaidWeChatOrderAsync(13);
        var onPaid = await transitions.ChangePayTypeAsync(paidOrder.Id, PayType.WeChat, PayType.Alipay, "test");

        Assert.Equal((false, true, false, false), (fromWrongType, first, again, onPaid));
        Assert.Single(await SwitchRowsAsync(order));
        Assert.Equal(PayType.WeChat, (await app.OrderAsync(paidOrder.OutTradeNo)).PayType);
    }
}

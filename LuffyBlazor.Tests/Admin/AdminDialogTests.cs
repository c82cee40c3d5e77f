using Bunit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Admin.Shared;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The back office's dialogs on their own: what they allow, what they refuse, what they hand back.</summary>
public sealed class AdminDialogTests : AdminComponentTest, IClassFixture<LuffyAppFactory>
{
    public AdminDialogTests(LuffyAppFactory app) : base(app)
    {
    }

    private IRenderedComponent<MudDialogProvider> Provider() => Render<MudDialogProvider>();

    [Fact]
    public async Task The_refund_dialog_states_the_maximum_refuses_more_needs_a_reason_and_hands_back_a_partial_refund()
    {
        var provider = Provider();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<RefundDialog.RefundRequest?> asked = null!;
        // Not awaited: the task ends when the dialog closes.
        await provider.InvokeAsync(() => { asked = RefundDialog.AskAsync(dialogs, "2026112500000000000000000000000000AB", 99.00m); });

        Assert.Contains("¥99.00", provider.Find("#refund-ok").TextContent); // full refund by default
        Assert.True(provider.Find("#refund-ok").HasAttribute("disabled")); // no reason yet
        await provider.Find("#refund-full").ChangeAsync(new ChangeEventArgs { Value = false });
        Assert.Contains("最多可退 ¥99.00", provider.Find(".mud-dialog").TextContent);
        await provider.Find("#refund-reason").InputAsync(new ChangeEventArgs { Value = "  课程重复购买  " });
        await provider.Find("#refund-amount").InputAsync(new ChangeEventArgs { Value = "120" });
        // Refused with a message, not quietly lowered to the maximum.
        provider.WaitForAssertion(() => Assert.Contains("超过了最多可退金额 ¥99.00，请改小", provider.Find(".mud-dialog").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("120.00", provider.Find("#refund-amount").GetAttribute("value"));
        Assert.Contains("¥120.00", provider.Find("#refund-ok").TextContent);
        Assert.True(provider.Find("#refund-ok").HasAttribute("disabled"));

        await provider.Find("#refund-amount").InputAsync(new ChangeEventArgs { Value = "30.5" });
        provider.WaitForAssertion(() => Assert.False(provider.Find("#refund-ok").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        await provider.Find("#refund-ok").ClickAsync(new());

        Assert.Equal(new RefundDialog.RefundRequest(30.50m, "课程重复购买"), await asked);
    }

    [Theory]
    [InlineData(null, "请填写退款金额")]
    [InlineData("0", "退款金额必须大于 0")]
    [InlineData("0.001", "金额最多两位小数")]
    [InlineData("10.01", "超过了最多可退金额 ¥10.00，请改小")]
    [InlineData("10", null)]
    [InlineData("0.01", null)]
    public void Refund_amounts_are_validated(string? amount, string? error) =>
        Assert.Equal(error, RefundDialog.Validate(amount is null ? null : decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), 10.00m));

    [Fact]
    public async Task The_confirmation_needs_a_reason_and_hands_it_back_trimmed()
    {
        var provider = Provider();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<string?> asked = null!;
        // Not awaited: the task ends when the dialog closes.
        await provider.InvokeAsync(() => { asked = ConfirmReasonDialog.AskAsync(dialogs, "锁定账户", "将无法登录", "锁定", Color.Error); });

        Assert.Equal("将无法登录", provider.Find("#confirm-message").TextContent);
        Assert.True(provider.Find("#confirm-ok").HasAttribute("disabled"));
        await provider.Find("#confirm-reason").InputAsync(new ChangeEventArgs { Value = "  刷单  " });
        provider.WaitForAssertion(() => Assert.False(provider.Find("#confirm-ok").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        await provider.Find("#confirm-ok").ClickAsync(new());

        Assert.Equal("刷单", await asked);
    }

    [Fact]
    public async Task A_cancelled_confirmation_hands_back_nothing()
    {
        var provider = Provider();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<string?> asked = null!;
        // Not awaited: the task ends when the dialog closes.
        await provider.InvokeAsync(() => { asked = ConfirmReasonDialog.AskAsync(dialogs, "同步", "查询支付宝", "同步", defaultReason: "核对"); });

        Assert.Equal("核对", provider.Find("#confirm-reason").GetAttribute("value"));
        await provider.Find("#confirm-cancel").ClickAsync(new());

        Assert.Null(await asked);
    }
}

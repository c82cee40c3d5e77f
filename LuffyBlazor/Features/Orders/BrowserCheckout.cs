using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Sends the browser of an interactive page to Alipay's cashier. The device is read from the browser itself
/// (interactive components have no HTTP request to read a user agent from).
/// </summary>
public sealed class BrowserCheckout(IJSRuntime js, Checkout checkout, NavigationManager navigation)
{
    /// <summary>Leaves for the cashier; false (and the browser stays) when the order can no longer be paid.</summary>
    public async Task<bool> GoToCashierAsync(OrderView order)
    {
        var url = checkout.PaymentUrl(order, new Uri(navigation.BaseUri), Checkout.IsMobile(await UserAgentAsync()));
        if (url is null)
        {
            return false;
        }

        navigation.NavigateTo(url, forceLoad: true);
        return true;
    }

    /// <summary>
    /// Places an order with <paramref name="place"/> and leaves for the cashier. The live order a second click gets
    /// back may have run out of time on the way here; then a fresh one is placed. Null when the browser is on its
    /// way, otherwise what to tell the learner.
    /// </summary>
    public async Task<string?> BuyAsync(Func<Task<PlaceOrderResult>> place)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await place();
            if (!result.Succeeded)
            {
                return result.Error;
            }

            if (await GoToCashierAsync(OrderView.Of(result.Order!)))
            {
                return null;
            }
        }

        return "订单已临近支付期限，请稍后重新下单";
    }

    private async Task<string?> UserAgentAsync()
    {
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference?>("import", "./js/device.js");
            return module is null ? null : await module.InvokeAsync<string?>("userAgent");
        }
        catch (JSException)
        {
            return null; // treat as a desktop browser: page pay works everywhere
        }
    }
}

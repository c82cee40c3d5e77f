using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Sends the browser of an interactive page to Alipay's cashier. The device is read from the browser itself
/// (interactive components have no HTTP request to read a user agent from).
/// </summary>
public sealed class BrowserCheckout(IJSRuntime js, Checkout checkout, NavigationManager navigation)
{
    public async Task GoToCashierAsync(OrderView order)
    {
        var url = checkout.PaymentUrl(order, new Uri(navigation.BaseUri), Checkout.IsMobile(await UserAgentAsync()));
        navigation.NavigateTo(url, forceLoad: true);
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

using System.Net;
using System.Net.Sockets;

namespace LuffyBlazor.Common;

/// <summary>
/// The client's address as rate limits and log-in lock-outs count it: IPv4 as it is, IPv6 by its /64 network, the
/// block one subscriber is given (counting single IPv6 addresses would give an attacker 2^64 fresh starts). Behind
/// a proxy this is the address the forwarded headers name (see deploy/README.md).
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

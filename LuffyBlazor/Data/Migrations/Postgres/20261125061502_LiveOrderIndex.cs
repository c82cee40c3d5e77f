using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LiveOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_UserId_PurchaseKey_Status",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_UserId_PurchaseKey_Status_ExpiresAt",
                table: "Orders",
                columns: new[] { "UserId", "PurchaseKey", "Status", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_UserId_PurchaseKey_Status_ExpiresAt",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_UserId_PurchaseKey_Status",
                table: "Orders",
                columns: new[] { "UserId", "PurchaseKey", "Status" });
        }
    }
}

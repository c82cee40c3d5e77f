using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OrdersByUserCarryTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_UserId_CreatedAt",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_UserId_CreatedAt_Status_TotalAmount_RefundedAmount",
                table: "Orders",
                columns: new[] { "UserId", "CreatedAt", "Status", "TotalAmount", "RefundedAmount" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_UserId_CreatedAt_Status_TotalAmount_RefundedAmount",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_UserId_CreatedAt",
                table: "Orders",
                columns: new[] { "UserId", "CreatedAt" });
        }
    }
}

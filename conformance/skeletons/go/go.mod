module __QVCP_MODULE__

go 1.19

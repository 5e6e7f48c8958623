DROP TABLE inventory_transactions;
DROP TABLE inventory;
DROP TABLE products;
DROP TABLE vehicles;
DROP TABLE customers;

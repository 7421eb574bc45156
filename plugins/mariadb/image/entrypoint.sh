#!/bin/sh
# First start: create the data directory, the database and a user allowed from the network
# (credentials from the env); then run the server in the foreground as the mysql user.
set -eu
: "${MARIADB_USER:?}" "${MARIADB_PASSWORD:?}" "${MARIADB_DATABASE:?}"
data=/var/lib/berth/data/mysql
install -d -o mysql -g mysql /run/mysqld "$data"
if [ ! -d "$data/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$data" --skip-test-db >/dev/null
  pw=$(printf '%s' "$MARIADB_PASSWORD" | sed "s/'/''/g")
  mariadbd --user=mysql --datadir="$data" --bootstrap --skip-networking <<SQL
USE mysql;
FLUSH PRIVILEGES;
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;
CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';
FLUSH PRIVILEGES;
SQL
fi
exec mariadbd --user=mysql --datadir="$data" --bind-address=0.0.0.0 --port=3306 --socket=/run/mysqld/mysqld.sock

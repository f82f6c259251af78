from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('jxfed', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Marker',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='markers', on_delete=OnDelete.CASCADE)),
                ('timeline', fields.CharField(max_length=16)),
                ('last_read_id', fields.CharField(max_length=32)),
                ('version', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mastodon_marker', 'app': 'jxfed', 'unique_together': (('member', 'timeline'),), 'pk_attr': 'id', 'table_description': 'Where a member stopped reading a timeline (home or notifications), per member.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OAuthApplication',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client_id', fields.CharField(unique=True, max_length=64)),
                ('client_secret_hash', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('redirect_uris', fields.TextField(unique=False)),
                ('scopes', fields.CharField(max_length=1000)),
                ('website', fields.CharField(null=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'oauth_application', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A client app registered with POST /api/v1/apps (its secret kept as a digest).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('application', fields.ForeignKeyField('jxfed.OAuthApplication', source_field='application_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='oauth_tokens', on_delete=OnDelete.CASCADE)),
                ('scopes', fields.CharField(max_length=1000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_access_token', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': "A bearer token: a member's (or only the app's, for client_credentials), with scopes."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuthorizationCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('jxfed.OAuthApplication', source_field='application_id', db_constraint=True, to_field='id', related_name='codes', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='oauth_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('redirect_uri', fields.CharField(max_length=1000)),
                ('scopes', fields.CharField(max_length=1000)),
                ('code_challenge', fields.CharField(null=True, max_length=128)),
                ('code_challenge_method', fields.CharField(null=True, max_length=8)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used', fields.BooleanField(default=False)),
            ],
            options={'table': 'oauth_authorization_code', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A one-time code a member granted an app on the consent page, with its PKCE challenge.'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('jxfed', '0005_account_counts_feed_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BrowserSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='browser_sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'browser_session', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A signed-in browser: ended at sign-out, on a password change, or when it expires.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='language',
            field=fields.CharField(null=True, max_length=8),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('jxfed', '0007_library')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AuditEntry',
            name='space',
            field=fields.ForeignKeyField('jxfed.Space', source_field='space_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='AuditEntry',
            name='space_uri',
            field=fields.CharField(null=True, max_length=500),
        ),
        ops.AddConstraint(
            model_name='AuditEntry',
            constraint=UniqueConstraint(fields=('space_uri', 'sequence'), name=None),
        ),
        ops.AlterField(
            model_name='LibraryItem',
            name='space',
            field=fields.ForeignKeyField('jxfed.Space', source_field='space_id', null=True, db_constraint=True, to_field='id', related_name='library_items', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='LibraryItem',
            name='space_uri',
            field=fields.CharField(null=True, db_index=True, max_length=500),
        ),
    ]
